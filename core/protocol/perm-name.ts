// PermName: the permission bits of a topic or a broker (org.apache.rocketmq.common.constant.PermName).
// A QueueData's `perm` says whether producers may write to the broker's queues of a topic and
// consumers read them; a broker whose write bit is wiped keeps serving reads only.

export const PermName = {
  PERM_PRIORITY: 0b1000,
  PERM_READ: 0b0100,
  PERM_WRITE: 0b0010,
  PERM_INHERIT: 0b0001,
} as const;

export function isReadable(perm: number): boolean {
  return (perm & PermName.PERM_READ) === PermName.PERM_READ;
}

export function isWriteable(perm: number): boolean {
  return (perm & PermName.PERM_WRITE) === PermName.PERM_WRITE;
}

export function isInherited(perm: number): boolean {
  return (perm & PermName.PERM_INHERIT) === PermName.PERM_INHERIT;
}
