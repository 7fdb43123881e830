import '@testing-library/jest-dom/vitest';
import '@testing-library/svelte/vitest'; // unmounts rendered components after each test
import { afterEach } from 'vitest';
import { clearMocks } from '@tauri-apps/api/mocks';

// happy-dom has crypto.getRandomValues, which the Tauri mocks use for callback ids.
afterEach(() => {
  clearMocks();
});
