// Filled by its issue; re-exports by name only.
export {};
