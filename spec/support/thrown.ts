/** What `fn` throws, as `Name: message` (or 'nothing thrown'), for exact checks of error texts. */
export function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
  return 'nothing thrown';
}
