// A set of bigints stored as maximal runs of consecutive values ([lo, hi] intervals) in an
// AVL tree keyed by `lo`. It answers "the first value >= x that is not in the set" in
// O(log runs), which is how the allocator finds a free address without scanning a pool.

interface Run {
  lo: bigint;
  hi: bigint;
  left: Run | undefined;
  right: Run | undefined;
  height: number;
}

function height(node: Run | undefined): number {
  return node ? node.height : 0;
}

function update(node: Run): void {
  const l = height(node.left);
  const r = height(node.right);
  node.height = (l > r ? l : r) + 1;
}

function rotateRight(node: Run): Run {
  const pivot = node.left!;
  node.left = pivot.right;
  pivot.right = node;
  update(node);
  update(pivot);
  return pivot;
}

function rotateLeft(node: Run): Run {
  const pivot = node.right!;
  node.right = pivot.left;
  pivot.left = node;
  update(node);
  update(pivot);
  return pivot;
}

function balance(node: Run): Run {
  update(node);
  const diff = height(node.left) - height(node.right);
  if (diff > 1) {
    if (height(node.left!.left) < height(node.left!.right)) node.left = rotateLeft(node.left!);
    return rotateRight(node);
  }
  if (diff < -1) {
    if (height(node.right!.right) < height(node.right!.left)) node.right = rotateRight(node.right!);
    return rotateLeft(node);
  }
  return node;
}

function insert(node: Run | undefined, run: Run): Run {
  if (!node) return run;
  if (run.lo < node.lo) node.left = insert(node.left, run);
  else node.right = insert(node.right, run);
  return balance(node);
}

function removeMin(node: Run): Run | undefined {
  if (!node.left) return node.right;
  node.left = removeMin(node.left);
  return balance(node);
}

function remove(node: Run | undefined, lo: bigint): Run | undefined {
  if (!node) return undefined;
  if (lo < node.lo) node.left = remove(node.left, lo);
  else if (lo > node.lo) node.right = remove(node.right, lo);
  else {
    if (!node.left) return node.right;
    if (!node.right) return node.left;
    let successor = node.right;
    while (successor.left) successor = successor.left;
    successor.right = removeMin(node.right);
    successor.left = node.left;
    return balance(successor);
  }
  return balance(node);
}

/** A set of non-negative bigints kept as maximal runs. */
export class IntervalSet {
  #root: Run | undefined;
  #runs = 0;
  #size = 0n;

  /** Number of values in the set. */
  get size(): bigint {
    return this.#size;
  }

  /** Number of maximal runs (tree nodes): what memory grows with. */
  get runs(): number {
    return this.#runs;
  }

  has(value: bigint): boolean {
    const run = this.#floor(value);
    return run !== undefined && value <= run.hi;
  }

  /** Adds `value`; no effect when it is already present. */
  add(value: bigint): void {
    const left = this.#floor(value);
    if (left && value <= left.hi) return;
    const right = this.#floor(value + 1n);
    const touchesRight = right !== undefined && right !== left && right.lo === value + 1n;
    if (left && left.hi + 1n === value) {
      if (touchesRight) {
        left.hi = right.hi;
        this.#root = remove(this.#root, right.lo);
        this.#runs--;
      } else {
        left.hi = value;
      }
    } else if (touchesRight) {
      right.lo = value; // order is kept: no run starts in (left.lo, value]
    } else {
      this.#root = insert(this.#root, { lo: value, hi: value, left: undefined, right: undefined, height: 1 });
      this.#runs++;
    }
    this.#size++;
  }

  /** Removes `value`; no effect when it is absent. */
  delete(value: bigint): void {
    const run = this.#floor(value);
    if (!run || value > run.hi) return;
    if (run.lo === run.hi) {
      this.#root = remove(this.#root, run.lo);
      this.#runs--;
    } else if (value === run.lo) {
      run.lo = value + 1n;
    } else if (value === run.hi) {
      run.hi = value - 1n;
    } else {
      const tail = run.hi;
      run.hi = value - 1n;
      this.#root = insert(this.#root, {
        lo: value + 1n,
        hi: tail,
        left: undefined,
        right: undefined,
        height: 1,
      });
      this.#runs++;
    }
    this.#size--;
  }

  /** The smallest value >= `from` that is not in the set. */
  firstGapFrom(from: bigint): bigint {
    const run = this.#floor(from);
    return run && from <= run.hi ? run.hi + 1n : from;
  }

  /** The runs in ascending order, as [lo, hi] pairs (for tests and diagnostics). */
  toRuns(): Array<[bigint, bigint]> {
    const out: Array<[bigint, bigint]> = [];
    const walk = (node: Run | undefined): void => {
      if (!node) return;
      walk(node.left);
      out.push([node.lo, node.hi]);
      walk(node.right);
    };
    walk(this.#root);
    return out;
  }

  /** The run with the greatest `lo` <= value. */
  #floor(value: bigint): Run | undefined {
    let node = this.#root;
    let best: Run | undefined;
    while (node) {
      if (node.lo <= value) {
        best = node;
        node = node.right;
      } else {
        node = node.left;
      }
    }
    return best;
  }
}
