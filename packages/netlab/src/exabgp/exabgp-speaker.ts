import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabProcess } from '../lab-process.js';
import type { Netns } from '../netns.js';
import { requireTools } from '../privileges.js';
import { renderExaBgpConfig, type ExaBgpConfig } from './exabgp-config.js';

/**
 * ExaBGP as a reference BGP sender in a namespace: started in the foreground as a tracked
 * process (`ip netns exec` execs in place, so the PID is ExaBGP's), logging to stdout into a
 * log file, without the CLI pipes and without dropping privileges (network-lab.md section 4).
 * Its Python start takes about 0.3 s, more with a large static config (P7).
 */
export class ExaBgpSpeaker {
  readonly netns: Netns;
  readonly configFile: string;
  readonly process: LabProcess;

  private constructor(netns: Netns, configFile: string, proc: LabProcess) {
    this.netns = netns;
    this.configFile = configFile;
    this.process = proc;
  }

  static async start(
    netns: Netns,
    config: ExaBgpConfig | { raw: string },
    options: { name?: string } = {},
  ): Promise<ExaBgpSpeaker> {
    requireTools(['exabgp']);
    const name = options.name ?? 'exabgp';
    const configFile = join(netns.labDir, `${netns.short}-${name}.conf`);
    writeFileSync(configFile, 'raw' in config ? config.raw : renderExaBgpConfig(config));
    const proc = await netns.spawn(['exabgp', configFile], {
      name,
      env: {
        'exabgp.api.cli': 'false',
        'exabgp.daemon.user': 'root',
        'exabgp.daemon.daemonize': 'false',
        'exabgp.log.destination': 'stdout',
      },
    });
    return new ExaBgpSpeaker(netns, configFile, proc);
  }

  /** Stops ExaBGP (SIGTERM; its sessions close with a FIN, so routers withdraw at once). */
  async stop(): Promise<void> {
    await this.process.stop();
  }

  /** kill -9: no NOTIFICATION, no FIN from the process itself (the kernel still closes TCP). */
  kill(): boolean {
    return this.process.kill('SIGKILL');
  }
}

export function startExaBgp(
  netns: Netns,
  config: ExaBgpConfig | { raw: string },
  options: { name?: string } = {},
): Promise<ExaBgpSpeaker> {
  return ExaBgpSpeaker.start(netns, config, options);
}
