// A CA and a server certificate for HTTPS, made with the openssl command line (no X.509
// library needed). With a data directory they are kept there, so kubeconfigs written
// before a restart stay valid.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatorError } from './errors.js';

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

function run(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    throw new EmulatorError('ERR_IRONLB_EMULATOR_TLS', `openssl ${args[0]} failed (is openssl installed?)`, {
      cause: e,
    });
  }
}

export function loadOrCreateTls(
  dir?: string,
  hosts: string[] = ['127.0.0.1', 'localhost', '::1'],
): TlsMaterial {
  if (
    dir &&
    existsSync(join(dir, 'ca.crt')) &&
    existsSync(join(dir, 'server.crt')) &&
    existsSync(join(dir, 'server.key'))
  ) {
    return {
      caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
      certPem: readFileSync(join(dir, 'server.crt'), 'utf8'),
      keyPem: readFileSync(join(dir, 'server.key'), 'utf8'),
    };
  }
  const work = mkdtempSync(join(tmpdir(), 'ironlb-emu-tls-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    run(
      [
        'req',
        '-x509',
        ...ec,
        '-keyout',
        'ca.key',
        '-out',
        'ca.crt',
        '-days',
        '3650',
        '-subj',
        '/CN=ironlb-emulator-ca',
      ],
      work,
    );
    run(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=ironlb-emulator'], work);
    const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
    writeFileSync(join(work, 'ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
    run(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.crt',
        '-days',
        '3650',
        '-extfile',
        'ext.cnf',
      ],
      work,
    );
    const m: TlsMaterial = {
      caPem: readFileSync(join(work, 'ca.crt'), 'utf8'),
      certPem: readFileSync(join(work, 'server.crt'), 'utf8'),
      keyPem: readFileSync(join(work, 'server.key'), 'utf8'),
    };
    if (dir) {
      writeFileSync(join(dir, 'ca.crt'), m.caPem);
      writeFileSync(join(dir, 'server.crt'), m.certPem);
      writeFileSync(join(dir, 'server.key'), m.keyPem, { mode: 0o600 });
    }
    return m;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
