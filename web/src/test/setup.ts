import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  localStorage.clear();
});

// Screens are lazy chunks (React.lazy): the first render of each waits for its import,
// which on a busy machine can take more than the default 1 s (CI shares 2 cores).
import { configure } from '@testing-library/react';
configure({ asyncUtilTimeout: 10_000 });
