import fc from 'fast-check';

/**
 * Checks a fast-check property as a Jasmine expectation: when it does not hold, the spec
 * fails with fast-check's report (counterexample, seed and path to replay it).
 */
export function expectProperty<Ts>(property: fc.IProperty<Ts>, params?: fc.Parameters<Ts>): void {
  const details = fc.check(property, params);
  expect(details.failed).withContext(fc.defaultReportMessage(details) ?? 'property failed').toBeFalse();
}

/** {@link expectProperty} for an asynchronous property. */
export async function expectAsyncProperty<Ts>(property: fc.IAsyncProperty<Ts>, params?: fc.Parameters<Ts>): Promise<void> {
  const details = await fc.check(property, params);
  expect(details.failed).withContext(fc.defaultReportMessage(details) ?? 'property failed').toBeFalse();
}
