/** The reference SCIM service provider: `import { createProvider } from 'scimcheck/provider'`. */
export { createProvider, type Provider } from './create-provider.ts';
export { DEFAULT_LIMITS, type ProviderLimits, type ProviderOptions } from './options.ts';
export { MemoryStore, type ResourceStore, type ResourceKind, type StoreSnapshot, type IndexedAttr } from './store.ts';
export { FAULTS, type FaultName } from './faults.ts';
