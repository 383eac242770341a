// Java's String.hashCode(): s[0]*31^(n-1) + ... + s[n-1] in 32-bit signed arithmetic over UTF-16
// code units, which is exactly what a JS string holds. RocketMQ uses it for a ConsumeQueue
// entry's tagsCode, for IndexFile key slots and for SelectMessageQueueByHash, so the simulated
// values match a real broker's bit for bit.

export function javaHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}
