/** Query keys of the signed-in session and the sign-in options. */
export const sessionKeys = {
  current: ['session'] as const,
  providers: ['session', 'providers'] as const,
};
