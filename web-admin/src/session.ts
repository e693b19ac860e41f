// The API key of this browser tab, kept in sessionStorage (gone when the tab closes).

const storageKey = "scalelite.apiKey";

export function loadKey(): string | null {
  try {
    return sessionStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

export function saveKey(key: string): void {
  try {
    sessionStorage.setItem(storageKey, key);
  } catch {
    // Storage disabled: the key lives only in memory until the page is reloaded.
  }
}

export function clearKey(): void {
  try {
    sessionStorage.removeItem(storageKey);
  } catch {
    // nothing to clear
  }
}
