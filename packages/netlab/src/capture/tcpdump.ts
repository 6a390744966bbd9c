import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabProcess } from '../lab-process.js';
import type { Netns } from '../netns.js';
import { requireTools } from '../privileges.js';
import { sleep } from '../wait-for.js';
import { parsePcap, type PcapFile } from './pcap-reader.js';

export interface CaptureOptions {
  /** Interface to capture on. Default `eth0`. (`any` gives Linux cooked frames, not Ethernet.) */
  ifname?: string;
  /** A pcap-filter expression (`arp`, `tcp port 179`, `udp dst port 7946`). */
  filter?: string;
  /** Where the pcap goes. Default `<lab dir>/<netns>-<name>.pcap`. */
  file?: string;
  /** Default `capture`. */
  name?: string;
  /** Bytes kept per frame. Default 262144 (whole frames). */
  snapLength?: number;
  /** Limit for tcpdump to report it is listening. Default 20 s. */
  startTimeoutMs?: number;
}

/**
 * A tcpdump capture to a classic pcap file inside a namespace, with the pitfalls handled
 * (network-lab.md P4): `--immediate-mode` so frames are not held in the TPACKET_V3 ring block,
 * `-U` so each frame is written at once, `-Z root` so tcpdump may write into the lab
 * directory, and a start that waits for tcpdump's "listening on" line (frames sent before it
 * would be missed).
 */
export class PacketCapture {
  readonly file: string;
  readonly process: LabProcess;
  #stopped: PcapFile | undefined;

  private constructor(file: string, proc: LabProcess) {
    this.file = file;
    this.process = proc;
  }

  static async start(netns: Netns, options: CaptureOptions = {}): Promise<PacketCapture> {
    requireTools(['tcpdump']);
    const name = options.name ?? 'capture';
    const file = options.file ?? join(netns.labDir, `${netns.short}-${name}.pcap`);
    const argv = [
      'tcpdump',
      '-i',
      options.ifname ?? 'eth0',
      '-n',
      '-U',
      '--immediate-mode',
      '-Z',
      'root',
      '-s',
      String(options.snapLength ?? 262144),
      '-w',
      file,
      ...(options.filter ? [options.filter] : []),
    ];
    const proc = await netns.spawn(argv, { name: `tcpdump-${name}` });
    await proc.waitForLog(/^(tcpdump: )?listening on /, { timeoutMs: options.startTimeoutMs ?? 20_000 });
    return new PacketCapture(file, proc);
  }

  /** What has been written so far (the last record may be incomplete; it is then dropped). */
  read(): PcapFile {
    return parsePcap(readFileSync(this.file));
  }

  /**
   * Stops the capture without losing frames: waits `settleMs` (default 100 ms) for frames in
   * flight, sends SIGINT (tcpdump flushes and exits), waits for the exit, and parses the file.
   * Idempotent.
   */
  async stop(options: { settleMs?: number } = {}): Promise<PcapFile> {
    if (this.#stopped) return this.#stopped;
    await sleep(options.settleMs ?? 100);
    await this.process.stop({ signal: 'SIGINT', graceMs: 3000 });
    this.#stopped = this.read();
    return this.#stopped;
  }
}

/** Starts a capture in `netns` (see PacketCapture). */
export function startCapture(netns: Netns, options: CaptureOptions = {}): Promise<PacketCapture> {
  return PacketCapture.start(netns, options);
}
