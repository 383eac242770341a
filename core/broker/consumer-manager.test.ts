import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { consumeBrokerWorld, heartbeat } from '../../properties/harness/consume-broker-node.ts';
import { request, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import { CHANNEL_EXPIRED_TIMEOUT, HOUSEKEEPING_INTERVAL, tagsCodeFilter } from './consumer-manager.ts';
import { runs } from '../../properties/fc-setup.ts';
import { buildSubscriptionData } from '../protocol/heartbeat-data.ts';

const CLIENTS = ['c1', 'c2', 'c3'];

function world() {
  const w = consumeBrokerWorld({ clients: CLIENTS });
  w.world.runUntil(5);
  const members = (group = 'G') =>
    w.parts().consumers.getConsumerGroupInfo(group)?.getAllClientId().sort() ?? [];
  /** NOTIFY_CONSUMER_IDS_CHANGED received by a client, with their times. */
  const notices = (client: string) =>
    w
      .probe(client)
      .deliveries.filter((d) => (d.body as RemotingCommand).code === RequestCode.NOTIFY_CONSUMER_IDS_CHANGED)
      .map((d) => ({ t: d.t, group: (d.body as RemotingCommand).extFields?.consumerGroup }));
  const beat = (client: string, group = 'G', sub = '*') =>
    w.call(client, heartbeat(`${client}@1`, group, 'T', sub));
  return { ...w, members, notices, beat };
}

describe('ConsumerManager', () => {
  test('a heartbeat registers the client; GET_CONSUMER_LIST_BY_GROUP answers the clientIds', () => {
    const w = world();
    const list = () => w.call('c3', request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'G' }));
    expect(list()).toMatchObject({ code: ResponseCode.SYSTEM_ERROR });
    expect(w.beat('c1')?.code).toBe(ResponseCode.SUCCESS);
    expect(list()).toMatchObject({ code: ResponseCode.SUCCESS, body: { consumerIdList: ['c1@1'] } });
    const group = w.parts().consumers.getConsumerGroupInfo('G')!;
    expect([group.consumeType, group.messageModel]).toEqual(['CONSUME_PASSIVELY', 'CLUSTERING']);
    expect(group.findSubscriptionData('T')?.subString).toBe('*');
  });

  test('a second consumer joining notifies both; a repeated heartbeat notifies nobody', () => {
    const w = world();
    w.beat('c1');
    w.world.runUntil(w.world.now + 10);
    expect(w.notices('c1')).toHaveLength(1); // its own registration changed the group
    w.beat('c1');
    w.world.runUntil(w.world.now + 10);
    expect(w.notices('c1')).toHaveLength(1);
    w.beat('c2');
    w.world.runUntil(w.world.now + 10);
    expect(w.notices('c1')).toHaveLength(2);
    expect(w.notices('c1')[1]!.group).toBe('G');
    expect(w.notices('c2')).toHaveLength(1);
    expect(w.members()).toEqual(['c1@1', 'c2@1']);
  });

  test('a changed subscription set notifies; a newer subVersion replaces the expression quietly', () => {
    const w = world();
    w.beat('c1');
    w.call('c1', heartbeat('c1@1', 'G', 'T', 'A', 2));
    w.world.runUntil(w.world.now + 10);
    expect(w.notices('c1')).toHaveLength(1);
    expect(w.parts().consumers.findSubscriptionData('G', 'T')?.subString).toBe('A');
    w.call('c1', heartbeat('c1@1', 'G', 'U'));
    w.world.runUntil(w.world.now + 10);
    expect(w.notices('c1')).toHaveLength(2);
    expect(w.parts().consumers.findSubscriptionData('G', 'T')).toBeUndefined();
  });

  test('a killed consumer is removed at once and the others are notified', () => {
    const w = world();
    w.beat('c1');
    w.beat('c2');
    w.world.runUntil(w.world.now + 10);
    const before = w.notices('c1').length;
    const killedAt = w.world.now;
    w.world.node('c2').kill();
    w.world.runUntil(killedAt + 10);
    expect(w.members()).toEqual(['c1@1']);
    expect(w.notices('c1')).toHaveLength(before + 1);
    expect(w.notices('c1').at(-1)!.t).toBeLessThanOrEqual(killedAt + 2);
  });

  test('a powered-off consumer stays for 120 s after its last heartbeat, then goes at the next scan, silently', () => {
    const w = world();
    w.beat('c1');
    w.beat('c2');
    const lastBeat = w.world.now - 1; // when the broker received it
    w.world.node('c2').powerOff();
    const before = w.notices('c1').length;
    w.world.runUntil(lastBeat + 60_000);
    w.beat('c1'); // the live client keeps heartbeating (every 30 s in RocketMQ)
    w.world.runUntil(lastBeat + CHANNEL_EXPIRED_TIMEOUT);
    expect(w.members()).toEqual(['c1@1', 'c2@1']);
    w.world.runUntil(lastBeat + CHANNEL_EXPIRED_TIMEOUT + HOUSEKEEPING_INTERVAL + 1);
    expect(w.members()).toEqual(['c1@1']);
    expect(w.notices('c1')).toHaveLength(before); // 4.9: expiry by the scan notifies nobody
  });

  test('UNREGISTER_CLIENT removes the client and notifies the rest; the last one removes the group', () => {
    const w = world();
    w.beat('c1');
    w.beat('c2');
    const unregister = (client: string) =>
      w.call(client, request(RequestCode.UNREGISTER_CLIENT, { clientID: `${client}@1`, consumerGroup: 'G' }));
    w.world.runUntil(w.world.now + 10);
    const before = w.notices('c1').length;
    expect(unregister('c2')?.code).toBe(ResponseCode.SUCCESS);
    w.world.runUntil(w.world.now + 10);
    expect(w.members()).toEqual(['c1@1']);
    expect(w.notices('c1')).toHaveLength(before + 1);
    unregister('c1');
    expect(w.parts().consumers.getConsumerGroupInfo('G')).toBeUndefined();
  });

  test('notifyConsumerIdsChangedEnable=false silences every notice', () => {
    const w = consumeBrokerWorld({ conf: { notifyConsumerIdsChangedEnable: false } });
    w.call('c1', heartbeat('c1@1', 'G', 'T'));
    w.call('c2', heartbeat('c2@1', 'G', 'T'));
    w.world.runUntil(w.world.now + 10);
    expect(w.probe('c1').deliveries).toEqual([]);
  });
});

describe('subscriptions', () => {
  test('FilterAPI: tags split on ||, trimmed, with Java hash codes; * and blank match all', () => {
    const sub = buildSubscriptionData('T', ' A || B ||', 7);
    expect(sub).toMatchObject({
      tagsSet: ['A', 'B'],
      codeSet: [65, 66],
      subVersion: 7,
      subString: ' A || B ||',
    });
    expect(tagsCodeFilter(sub)!(65)).toBe(true);
    expect(tagsCodeFilter(sub)!(67)).toBe(false);
    expect(tagsCodeFilter(buildSubscriptionData('T', '*', 1))).toBeUndefined();
    expect(buildSubscriptionData('T', '', 1).subString).toBe('*');
  });
});

describe('group membership property', () => {
  const step = fc.record({
    client: fc.constantFrom(...CLIENTS),
    action: fc.constantFrom('beat', 'beat', 'kill', 'restart'),
    gapMs: fc.integer({ min: 10, max: 90_000 }),
  });
  ptest.prop([fc.array(step, { maxLength: 20 })], runs(30))(
    'a client is a member iff it heartbeated within 120 s (+ one scan) and its connection did not break since',
    (steps) => {
      const w = world();
      const lastBeat = new Map<string, number>();
      const broken = new Set<string>();
      const check = () => {
        const members = new Set(w.members());
        for (const client of CLIENTS) {
          const member = members.has(`${client}@1`);
          const age = w.world.now - (lastBeat.get(client) ?? -Infinity);
          if (broken.has(client) || age > CHANNEL_EXPIRED_TIMEOUT + HOUSEKEEPING_INTERVAL + 1) {
            expect(member, `${client} at ${w.world.now}`).toBe(false);
          } else if (age <= CHANNEL_EXPIRED_TIMEOUT) expect(member, `${client} at ${w.world.now}`).toBe(true);
        }
      };
      for (const { client, action, gapMs } of steps) {
        const node = w.world.node(client);
        if (action === 'kill' && node.state === 'running') {
          node.kill();
          broken.add(client);
        } else if (action === 'restart' && node.state !== 'running') node.start();
        else if (action === 'beat' && node.state === 'running') {
          w.send(client, heartbeat(`${client}@1`, 'G', 'T'));
          lastBeat.set(client, w.world.now + 1);
          broken.delete(client);
        }
        w.world.runUntil(w.world.now + 5);
        check();
        w.world.runUntil(w.world.now + gapMs);
        check();
      }
    },
  );
});
