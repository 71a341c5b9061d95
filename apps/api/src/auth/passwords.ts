import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id (`@node-rs/argon2`, prebuilt per platform, no build step) with
 * RFC 9106's second recommended option (§4: 64 MiB memory, 3 passes, 4
 * lanes), which also meets OWASP's Password Storage Cheat Sheet minimum
 * (19 MiB, 2 passes). About 60–120 ms per hash on these machines: slow for a
 * guesser, fine for a sign-in. The encoded hash (`$argon2id$v=19$m=65536,t=3,p=4$…`)
 * carries its own salt and parameters, so they can be raised later and old
 * hashes still verify.
 */
const OPTIONS = {
  // Algorithm.Argon2id: the package declares its enum `const`, which isolated modules cannot read.
  algorithm: 2,
  memoryCost: 65_536,
  timeCost: 3,
  parallelism: 4,
} as const;

/** Shortest password accepted (characters), per NIST SP 800-63B §3.1.1.2 (at least 8; we ask 12). */
export const MIN_PASSWORD_LENGTH = 12;

/** The Argon2id encoded hash of `password`. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Whether `password` matches `encoded`; false for a malformed hash rather than throwing. */
export async function verifyPassword(encoded: string, password: string): Promise<boolean> {
  try {
    return await verify(encoded, password);
  } catch {
    return false;
  }
}

/**
 * A hash verified against when the account does not exist, so a sign-in for
 * an unknown email costs as long as one for a known email (no user
 * enumeration by timing).
 */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('not-a-real-password-anom');
  return dummy;
}
