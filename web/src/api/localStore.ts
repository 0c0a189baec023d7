// The browser's localStorage when the page may use it: `null` when it is
// absent (tests, old browsers) or refused (privacy settings throw on access).
export function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
