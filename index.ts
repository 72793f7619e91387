import { declarePhase } from "./phases";

// The phase comes from stack config (`cloud-migration-journey:phase`): one stack per phase.
export = declarePhase();
