/** Pure renderers of what the walk phase puts on the EKS cloud zone: the Kong Mesh zone and the microservice. */
export * from "./meshZone";
export * from "./microservice";
