/**
 * Issue 20, security review: password guessing spread over two API processes. Two apps are built
 * here, each with its own database pool and Redis connections, sharing only Postgres and Redis (and
 * the key prefix), as two processes behind the balancer do. The guess counts (per account and
 * address, services/auth/login-throttle.ts) and the per-address request limit (plugins/rate-limit.ts)
 * live in Redis, so alternating between the processes gains the attacker nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_ATTEMPTS_PER_ADDRESS, PER_ACCOUNT } from '../../api/services/auth/login-throttle';
import { createAccount } from './support/accounts';
import { startApi, type RunningApi } from './support/api-server';

let first: RunningApi;
let second: RunningApi;

beforeAll(async () => {
  first = await startApi({ TRUST_PROXY: '1' });
  second = await startApi({ TRUST_PROXY: '1', QUEUE_PREFIX: first.deps.config.QUEUE_PREFIX });
});
afterAll(async () => {
  await first?.close();
  await second?.close();
});

const freshAddress = () => `10.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;

function login(api: RunningApi, body: unknown, address: string) {
  return fetch(`${api.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify(body),
  }).then(async (r) => {
    await r.arrayBuffer();
    return r.status;
  });
}

describe('login guesses across two API processes', () => {
  it('counts wrong passwords made on either process together: the attacker is slowed after the free ones, on both', { timeout: 120_000 }, async () => {
    const victim = await createAccount(first.deps.database.db, 'admin');
    const address = freshAddress();
    const statuses: number[] = [];
    // One guess on each process in turn; each process alone would only have seen half of them.
    for (let i = 0; i <= PER_ACCOUNT.freeFailures; i++) statuses.push(await login(i % 2 ? second : first, { username: victim.username, password: `guess-${i}` }, address));
    expect(statuses).toEqual(Array(PER_ACCOUNT.freeFailures + 1).fill(401));
    // Past the free failures: both processes hold the next guess back, even with the right password.
    expect(await login(first, { username: victim.username, password: victim.password }, address)).toBe(429);
    expect(await login(second, { username: victim.username, password: victim.password }, address)).toBe(429);
  });

  it(`counts an address's requests on either process together: the ${LOGIN_ATTEMPTS_PER_ADDRESS + 1}st in a minute is refused`, { timeout: 120_000 }, async () => {
    const address = freshAddress();
    // Malformed bodies are cheap (no password hashing) and still count: the limit runs before validation.
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_ATTEMPTS_PER_ADDRESS; i++) statuses.push(await login(i % 2 ? second : first, { username: '', password: '' }, address));
    expect(statuses.every((s) => s === 400)).toBe(true);
    expect(await login(first, { username: 'x', password: 'y' }, address)).toBe(429);
    expect(await login(second, { username: 'x', password: 'y' }, address)).toBe(429);
    // Another address is not held back.
    expect(await login(second, { username: '', password: '' }, freshAddress())).toBe(400);
  });
});
