import { describe, expect, test } from 'vitest';
import { PermName, isInherited, isReadable, isWriteable } from './perm-name.ts';
import { RequestCode, requestCodeName } from './request-code.ts';
import { ResponseCode, responseCodeName } from './response-code.ts';

describe('RequestCode and ResponseCode', () => {
  test('carry RocketMQ 4.9.x numbers', () => {
    expect(RequestCode).toMatchObject({
      SEND_MESSAGE: 10,
      PULL_MESSAGE: 11,
      QUERY_CONSUMER_OFFSET: 14,
      UPDATE_CONSUMER_OFFSET: 15,
      HEART_BEAT: 34,
      CONSUMER_SEND_MSG_BACK: 36,
      NOTIFY_CONSUMER_IDS_CHANGED: 40,
      LOCK_BATCH_MQ: 41,
      UNLOCK_BATCH_MQ: 42,
      REGISTER_BROKER: 103,
      UNREGISTER_BROKER: 104,
      GET_ROUTEINFO_BY_TOPIC: 105,
      GET_BROKER_CLUSTER_INFO: 106,
      RESET_CONSUMER_CLIENT_OFFSET: 220,
      INVOKE_BROKER_TO_RESET_OFFSET: 222,
      SEND_MESSAGE_V2: 310,
    });
    expect(ResponseCode).toMatchObject({
      SUCCESS: 0,
      SYSTEM_ERROR: 1,
      SYSTEM_BUSY: 2,
      REQUEST_CODE_NOT_SUPPORTED: 3,
      FLUSH_DISK_TIMEOUT: 10,
      SLAVE_NOT_AVAILABLE: 11,
      FLUSH_SLAVE_TIMEOUT: 12,
      SERVICE_NOT_AVAILABLE: 14,
      NO_PERMISSION: 16,
      TOPIC_NOT_EXIST: 17,
      PULL_NOT_FOUND: 19,
      PULL_RETRY_IMMEDIATELY: 20,
      PULL_OFFSET_MOVED: 21,
      NO_BUYER_ID: 204,
      NOT_IN_CURRENT_UNIT: 205,
      CONSUMER_NOT_ONLINE: 206,
    });
  });

  test('no two names share a number within a table, so the reverse lookups are exact', () => {
    for (const table of [RequestCode, ResponseCode]) {
      const codes = Object.values(table);
      expect(new Set(codes).size).toBe(codes.length);
    }
  });

  test('names are looked up in the right space: 10 is a request and a response code', () => {
    expect(requestCodeName(10)).toBe('SEND_MESSAGE');
    expect(responseCodeName(10)).toBe('FLUSH_DISK_TIMEOUT');
    expect(requestCodeName(105)).toBe('GET_ROUTEINFO_BY_TOPIC');
    expect(responseCodeName(17)).toBe('TOPIC_NOT_EXIST');
    expect(requestCodeName(9999)).toBe('UNKNOWN_REQUEST_9999');
    expect(responseCodeName(-1)).toBe('UNKNOWN_RESPONSE_-1');
  });
});

describe('PermName', () => {
  test('is one bit per permission; read-write is 6', () => {
    expect(PermName).toEqual({ PERM_PRIORITY: 8, PERM_READ: 4, PERM_WRITE: 2, PERM_INHERIT: 1 });
    expect([isReadable(6), isWriteable(6), isInherited(6)]).toEqual([true, true, false]);
    expect([isReadable(2), isWriteable(4), isInherited(7)]).toEqual([false, false, true]);
  });
});
