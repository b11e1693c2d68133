import { randomBytes } from 'node:crypto';

/** A sortable, readable job id: 20261122-231502-3f9a. */
export function newJobId(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const day = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}`;
  const time = `${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${day}-${time}-${randomBytes(2).toString('hex')}`;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}
