import { describe, expect, test } from 'vitest';
import { onResult, type NetResult } from '../core/env.ts';
import { request, response, type RemotingCommand } from '../core/protocol/remoting-command.ts';
import { RequestCode } from '../core/protocol/request-code.ts';
import { ResponseCode } from '../core/protocol/response-code.ts';
import { probeProcess, type Probe } from './probe-process.ts';
import { World, type WorldConfigInput } from './world.ts';

function twoNodes(network: WorldConfigInput['network'] = { latency: { dist: 'constant', ms: 1 } }) {
  const world = new World({ seed: 1, network });
  const probes = new Map<string, Probe>();
  const main = probeProcess(probes, () => world.now);
  world.addNode('a', main);
  world.addNode('b', main);
  const probe = (address: string) => probes.get(address)!;
  const request = (from: string, to: string, timeoutMs = 100) => {
    const results: NetResult[] = [];
    probe(from).env.net.request(
      to,
      { type: 'ping' },
      timeoutMs,
      onResult((r) => results.push(r)),
    );
    return results;
  };
  return { world, probe, request };
}

describe('SimNetwork', () => {
  test('a request is answered after one latency each way', () => {
    const { world, request, probe } = twoNodes();
    const results = request('a', 'b');
    world.runUntilQuiet();
    expect(results).toEqual([{ ok: true, body: { type: 'ack', of: { type: 'ping' } } }]);
    expect(probe('b').deliveries).toEqual([{ from: 'a', body: { type: 'ping' }, t: 1 }]);
    expect(world.now).toBe(2);
  });

  test('each connection is FIFO even with random latency and loss', () => {
    const net = { latency: { dist: 'uniform', minMs: 0, maxMs: 50 }, lossProbability: 0.3 } as const;
    const { world, probe } = twoNodes(net);
    for (let i = 0; i < 200; i++) probe('a').env.net.oneway('b', i);
    world.runUntilQuiet();
    expect(probe('b').deliveries.map((d) => d.body)).toEqual([...Array(200).keys()]);
  });

  test('a partition drops packets and the caller times out; after heal requests succeed', () => {
    const { world, request, probe } = twoNodes();
    world.network.partition(['a'], ['b'], false);
    const cut = request('a', 'b', 50);
    world.runUntilQuiet();
    expect(cut).toEqual([{ ok: false, error: 'timeout' }]);
    expect(probe('b').deliveries).toHaveLength(0);
    world.network.heal();
    const healed = request('a', 'b', 50);
    world.runUntilQuiet();
    expect(healed).toMatchObject([{ ok: true }]);
  });

  test('a one-way partition blocks one direction only', () => {
    const { world, probe } = twoNodes();
    world.network.partition(['a'], ['b'], true);
    probe('a').env.net.oneway('b', 'lost');
    probe('b').env.net.oneway('a', 'arrives');
    world.runUntilQuiet();
    expect(probe('b').deliveries).toHaveLength(0);
    expect(probe('a').deliveries.map((d) => d.body)).toEqual(['arrives']);
  });

  test('a request sent before the partition whose reply meets it times out', () => {
    const { world, request } = twoNodes({ latency: { dist: 'constant', ms: 10 } });
    const results = request('a', 'b', 100);
    world.runUntil(15);
    world.network.partition(['b'], ['a'], true);
    world.runUntilQuiet();
    expect(results).toEqual([{ ok: false, error: 'timeout' }]);
  });

  test('killing the server fails outstanding requests with closed and tells the client', () => {
    const { world, request, probe } = twoNodes({ latency: { dist: 'constant', ms: 10 } });
    probe('b').env.net.serve(() => {}); // b never answers
    const results = request('a', 'b', 1_000);
    world.runUntil(20);
    world.node('b').kill();
    world.runUntilQuiet();
    expect(results).toEqual([{ ok: false, error: 'closed' }]);
    expect(probe('a').disconnects).toEqual(['b']);
    expect(world.now).toBeLessThan(1_000);
  });

  test('a machine with no process refuses; a powered-off one is silent', () => {
    const { world, request, probe } = twoNodes();
    world.node('b').kill();
    const refused = request('a', 'b');
    world.runUntilQuiet();
    expect(refused).toEqual([{ ok: false, error: 'refused' }]);
    world.node('b').powerOff();
    const silent = request('a', 'b');
    world.runUntilQuiet();
    expect(silent).toEqual([{ ok: false, error: 'timeout' }]);
    expect(probe('a').disconnects).toEqual(['b']);
  });

  test('power loss of the server: pending requests time out and nobody is told', () => {
    const { world, request, probe } = twoNodes({ latency: { dist: 'constant', ms: 10 } });
    probe('b').env.net.serve(() => {});
    const results = request('a', 'b', 500);
    world.runUntil(20);
    world.node('b').powerOff();
    world.runUntilQuiet();
    expect(results).toEqual([{ ok: false, error: 'timeout' }]);
    expect(probe('a').disconnects).toEqual([]);
  });

  test('after a restart the new process answers and the old one hears nothing', () => {
    const { world, request, probe } = twoNodes();
    const before = probe('b');
    world.node('b').kill();
    world.node('b').start();
    const results = request('a', 'b');
    world.runUntilQuiet();
    expect(results).toMatchObject([{ ok: true }]);
    expect(probe('b')).not.toBe(before);
    expect(before.deliveries).toHaveLength(0);
  });

  test('a reset breaks the connection at both ends', () => {
    const { world, request, probe } = twoNodes({ latency: { dist: 'constant', ms: 10 } });
    probe('b').env.net.serve(() => {});
    const results = request('a', 'b', 500);
    world.runUntil(20);
    world.network.reset('a', 'b');
    world.runUntilQuiet();
    expect(results).toEqual([{ ok: false, error: 'closed' }]);
    expect(probe('a').disconnects).toEqual(['b']);
    expect(probe('b').disconnects).toEqual(['a']);
  });

  test('answering a request twice is a bug the network reports', () => {
    const { world, request, probe } = twoNodes();
    probe('b').env.net.serve((_from, body, reply) => {
      reply?.answer(body);
      reply?.answer(body);
    });
    request('a', 'b');
    expect(() => world.runUntilQuiet()).toThrow(/answered twice/);
  });

  describe('with frames', () => {
    const frames = { latency: { dist: 'constant', ms: 1 }, frames: true } as const;

    test('a request arrives as a Java process reads its frame: header fields as text', () => {
      const { world, probe } = twoNodes(frames);
      const pull = request(RequestCode.GET_MAX_OFFSET, { topic: 'T', queueId: 3, isForce: true });
      probe('b').env.net.serve((_from, body, reply) => {
        probe('b').deliveries.push({ from: 'a', body, t: world.now });
        reply?.answer(response(ResponseCode.SUCCESS, undefined, { offset: 12 }));
      });
      const results: NetResult[] = [];
      probe('a').env.net.request(
        'b',
        pull,
        100,
        onResult((r) => results.push(r)),
      );
      world.runUntilQuiet();
      expect(probe('b').deliveries[0]!.body).toStrictEqual({
        code: RequestCode.GET_MAX_OFFSET,
        extFields: { topic: 'T', queueId: '3', isForce: 'true' },
      });
      expect(results).toStrictEqual([
        { ok: true, body: { code: ResponseCode.SUCCESS, extFields: { offset: '12' } } },
      ]);
    });

    test("a response's body is read against the request it answers", () => {
      const { world, probe } = twoNodes(frames);
      const route = {
        queueDatas: [{ brokerName: 'b', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }],
        brokerDatas: [{ cluster: 'c', brokerName: 'b', brokerAddrs: { 0: 'b:10911' } }],
      };
      probe('b').env.net.serve((_from, _body, reply) =>
        reply?.answer(response(ResponseCode.SUCCESS, undefined, undefined, route)),
      );
      const results: NetResult[] = [];
      probe('a').env.net.request(
        'b',
        request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }),
        100,
        onResult((r) => results.push(r)),
      );
      world.runUntilQuiet();
      const answer = results[0]!.ok ? (results[0]!.body as RemotingCommand) : undefined;
      expect(answer?.body).toStrictEqual(route);
      expect(answer?.body).not.toBe(route);
    });

    test('a body without a wire encoding is a bug, reported to the sender', () => {
      const { probe } = twoNodes(frames);
      const running = request(RequestCode.GET_CONSUMER_RUNNING_INFO, undefined, { x: 1 });
      expect(() => probe('a').env.net.oneway('b', running)).toThrow(/no wire encoding/);
    });
  });
});
