import { hash, verify } from 'argon2';

export const MIN_PASSWORD_LENGTH = 8;

/** argon2id with the library's defaults (the same the seed uses). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let dummyHash: Promise<string> | null = null;

/**
 * Checks a password; with no stored hash (unknown user) it still spends the same work on a dummy
 * hash, so response time does not reveal which usernames exist.
 */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    dummyHash ??= hash('not-a-real-password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false; // a malformed stored hash never logs anyone in
  }
}
