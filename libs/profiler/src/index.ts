export * from './profile';
export * from './suggest';
