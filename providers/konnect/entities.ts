/** The Konnect entities as the REST API v2 returns them. */
import type { GatewayProtocol } from "./bodies";

export interface ControlPlane {
  id: string;
  name: string;
  description: string;
  labels: Record<string, string>;
  config: {
    control_plane_endpoint: string;
    telemetry_endpoint: string;
    cluster_type: string;
    auth_type: string;
    cloud_gateway: boolean;
    proxy_urls: { host: string; port: number; protocol: string }[];
  };
  created_at: string;
  updated_at: string;
}

export interface DataPlaneCertificate {
  id: string;
  cert: string;
  created_at?: number;
  updated_at?: number;
}

export interface GatewayService {
  id: string;
  name?: string | null;
  protocol?: GatewayProtocol | null;
  host: string;
  port?: number | null;
  path?: string | null;
  retries?: number | null;
  connect_timeout?: number | null;
  read_timeout?: number | null;
  write_timeout?: number | null;
  tags?: string[] | null;
}

export interface GatewayRoute {
  id: string;
  name?: string | null;
  paths?: string[] | null;
  methods?: string[] | null;
  protocols?: GatewayProtocol[] | null;
  strip_path?: boolean | null;
  preserve_host?: boolean | null;
  service?: { id?: string } | null;
  tags?: string[] | null;
}
