import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arping,
  createLab,
  startCapture,
  summarizeFrame,
  isProcessAlive,
  listNamespacesSync,
  ping,
  requireRoot,
  waitFor,
  type Lab,
  type Netns,
  type Switch,
} from '@ironlb/netlab';

describe('netlab topology: switch, hosts, links, processes', () => {
  let lab: Lab;
  let sw: Switch;
  let a: Netns;
  let b: Netns;

  beforeAll(async () => {
    requireRoot();
    lab = await createLab({ tag: 'nltopo' });
    sw = await lab.addSwitch();
    a = await lab.addHost('a', {
      switch: sw,
      link: { mac: '02:00:00:00:00:0a' },
      addresses: ['192.0.2.11/24', '2001:db8::11/64'],
      role: 'node',
    });
    b = await lab.addHost('b', {
      switch: sw,
      link: { mac: '02:00:00:00:00:0b' },
      addresses: ['192.0.2.12/24', '2001:db8::12/64'],
      role: 'router',
    });
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it('names namespaces after the lab and records them', () => {
    expect(lab.name).toMatch(/^ilb-nltopo-[0-9a-f]{6}$/);
    expect(a.name).toBe(`${lab.name}-a`);
    const names = listNamespacesSync();
    expect(names).toEqual(expect.arrayContaining([`${lab.name}-sw`, `${lab.name}-a`, `${lab.name}-b`]));
  });

  it('connects hosts over the bridge, IPv4 and IPv6 (no DAD), with the given MACs', async () => {
    expect((await ping(a, '192.0.2.12', { count: 2, intervalS: 0.05 })).received).toBe(2);
    expect((await ping(b, '2001:db8::11', { count: 1 })).ok).toBe(true);
    const eth0 = await a.interface('eth0');
    expect(eth0?.address).toBe('02:00:00:00:00:0a');
    const v6 = eth0?.addr_info?.find((addr) => addr.family === 'inet6' && addr.local === '2001:db8::11');
    expect(v6?.flags ?? []).not.toContain('tentative');
    expect((await b.neighbor('192.0.2.11'))?.lladdr).toBe('02:00:00:00:00:0a');
  });

  it('applies the role sysctls', async () => {
    expect(await a.getSysctl('net.ipv4.conf.all.arp_ignore')).toBe('1');
    expect(await a.getSysctl('net.ipv4.ip_nonlocal_bind')).toBe('1');
    expect(await b.getSysctl('net.ipv4.ip_forward')).toBe('1');
    expect(await b.getSysctl('net.ipv4.conf.eth0.send_redirects')).toBe('0');
    expect(await b.getSysctl('net.ipv6.conf.all.accept_dad')).toBe('0');
  });

  it('cuts and restores a link at the switch', async () => {
    await sw.setPortState(a, 'down');
    expect((await ping(b, '192.0.2.11', { count: 1, deadlineS: 1 })).ok).toBe(false);
    expect((await a.interface('eth0'))?.flags).toContain('NO-CARRIER');
    await sw.setPortState(a, 'up');
    await waitFor(async () => (await ping(b, '192.0.2.11', { count: 1, deadlineS: 1 })).ok, {
      timeoutMs: 5000,
      description: 'a reachable again',
    });
  });

  it('captures a gratuitous ARP and reads it back from the pcap', async () => {
    const capture = await startCapture(b, { filter: 'arp', name: 'arp' });
    const sent = await arping(a, '198.51.100.10', { mode: 'unsolicited', count: 1 });
    expect(sent).toMatchObject({ code: 0, sent: 1 });
    const pcap = await capture.stop();
    const garps = pcap.records
      .map((record) => ({ at: record.timestampMicros, frame: summarizeFrame(record.data) }))
      .filter(({ frame }) => frame?.arp?.senderIp === '198.51.100.10');
    expect(garps).toHaveLength(1);
    expect(garps[0]?.frame).toMatchObject({
      destination: 'ff:ff:ff:ff:ff:ff',
      source: '02:00:00:00:00:0a',
      arp: { operation: 1, senderMac: '02:00:00:00:00:0a', targetIp: '198.51.100.10' },
    });
    expect(Math.abs((garps[0]?.at ?? 0) / 1000 - Date.now())).toBeLessThan(60_000);
  });

  it('adds routes and reads them back as JSON', async () => {
    await a.addRoute({ dst: '198.51.100.0/24', via: '192.0.2.12' });
    const route = await a.route('198.51.100.0/24');
    expect(route?.gateway).toBe('192.0.2.12');
    await a.addRoute({ dst: '2001:db8:100::/64', dev: 'eth0' });
    expect((await a.routes({ family: 6 })).some((r) => r.dst === '2001:db8:100::/64')).toBe(true);
  });

  it('exec returns exit codes and output; run throws with a stable code; time-outs are bounded', async () => {
    const ok = await a.exec(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(ok).toMatchObject({ stdout: 'out\n', stderr: 'err\n', code: 3, timedOut: false });
    await expect(a.run(['false'])).rejects.toMatchObject({ code: 'ERR_IRONLB_NETLAB_COMMAND_FAILED' });
    const slow = await a.exec(['sleep', '5'], { timeoutMs: 200 });
    expect(slow.timedOut).toBe(true);
    expect(slow.durationMs).toBeLessThan(3000);
  });

  it('spawns tracked processes inside the namespace, with logs, kill and waitExit', async () => {
    // The marker is computed by the shell so that it cannot match the log header, which
    // repeats the command line.
    const proc = await a.spawn(['sh', '-c', 'echo "up-$((40 + 2))"; exec sleep 60'], {
      name: 'sleeper',
    });
    await proc.waitForLog('up-42', { timeoutMs: 5000 });
    expect(proc.alive()).toBe(true);
    const nsOfProc = execFileSync('readlink', [`/proc/${proc.pid}/ns/net`], { encoding: 'utf8' }).trim();
    const nsOfHost = (await a.run(['readlink', '/proc/self/ns/net'])).trim();
    expect(nsOfProc).toBe(nsOfHost);
    expect(proc.kill('SIGTERM')).toBe(true);
    expect(await proc.waitExit(5000)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(proc.alive()).toBe(false);
    expect(isProcessAlive(proc.pid, proc.startTime)).toBe(false);
    expect(proc.kill()).toBe(false);
  });

  it('fails early, with the log, when a spawned process exits before its readiness line', async () => {
    const proc = await a.spawn(['sh', '-c', 'echo boom; exit 7'], { name: 'failing' });
    const started = performance.now();
    await expect(proc.waitForLog('never printed', { timeoutMs: 20_000 })).rejects.toMatchObject({
      code: 'ERR_IRONLB_NETLAB_DAEMON_FAILED',
      message: expect.stringContaining('boom'),
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(proc.exitStatus).toEqual({ code: 7, signal: null });
  });
});

describe('netlab destroy()', () => {
  beforeAll(() => requireRoot());

  it('never claims a namespace it did not create', async () => {
    const lab = await createLab({ tag: 'nlforeign' });
    const foreign = `${lab.name}-taken`;
    execFileSync('ip', ['netns', 'add', foreign]);
    try {
      await expect(lab.addNamespace('taken')).rejects.toMatchObject({
        code: 'ERR_IRONLB_NETLAB_COMMAND_FAILED',
      });
      await lab.destroy();
      expect(listNamespacesSync()).toContain(foreign);
    } finally {
      execFileSync('ip', ['netns', 'del', foreign]);
    }
  });

  it('removes every namespace and process it created, and nothing else; idempotent', async () => {
    const lab = await createLab({ tag: 'nldestroy' });
    const sw = await lab.addSwitch();
    const h = await lab.addHost('h', { switch: sw, addresses: ['192.0.2.1/24'] });
    const tracked = await h.spawn(['sleep', '60']);
    // A process started inside the namespace behind the lab's back (a daemon's child).
    const stray = await h.exec(['sh', '-c', 'setsid sleep 60 >/dev/null 2>&1 < /dev/null & echo $!']);
    const strayPid = Number(stray.stdout.trim());
    expect(isProcessAlive(strayPid)).toBe(true);
    // Something outside the lab that must survive.
    const outsider = execFileSync('sh', ['-c', 'sleep 60 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' });
    const outsiderPid = Number(outsider.trim());

    const report = await lab.destroy();
    expect(report.errors).toEqual([]);
    expect(report.namespacesRemoved.sort()).toEqual([`${lab.name}-h`, `${lab.name}-sw`]);
    expect(listNamespacesSync().filter((ns) => ns.startsWith(lab.name))).toEqual([]);
    await waitFor(() => !isProcessAlive(tracked.pid) && !isProcessAlive(strayPid), {
      timeoutMs: 5000,
      description: 'lab processes gone',
    });
    expect(isProcessAlive(outsiderPid)).toBe(true);
    process.kill(outsiderPid, 'SIGKILL');
    expect(await lab.destroy()).toBe(report);
    await expect(lab.addNamespace('late')).rejects.toMatchObject({ code: 'ERR_IRONLB_NETLAB_INVALID_STATE' });
  });
});
