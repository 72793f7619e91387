/** Pure renderers of the Kuma resources the program applies (universal format), and their CRD form. */
export * from "./types";
export * from "./validate";
export * from "./services";
export * from "./mesh";
export * from "./dataplanes";
export * from "./trafficPermissions";
export * from "./httpRoutes";
export * from "./resilience";
export * from "./kubernetes";
export * from "./tokens";
export * from "./metrics";
