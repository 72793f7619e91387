export * from "./bodies";
export * from "./client";
export * from "./providers";
export * from "./resources";
