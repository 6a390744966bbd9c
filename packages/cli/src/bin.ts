// Entry point of the `ironlb` executable (see bin/ironlb.js).
import { run } from './main.js';

await run(process.argv);
