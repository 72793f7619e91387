import type { TopologyAnswer } from "../routes/phases";
import type { TopologyNode } from "../topology";
import { $, svg } from "./dom";
import { stateText } from "./timeline";

/** The dashboard's topology picture (SVG), drawn from /api/topology. */

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const ZONES: Record<string, Box> = {
  "on-prem": { x: 20, y: 110, w: 440, h: 270 },
  cloud: { x: 500, y: 110, w: 440, h: 270 },
};
const NODES: Record<string, Box> = {
  "konnect-cp": { x: 30, y: 18, w: 270, h: 62 },
  "global-cp": { x: 345, y: 18, w: 290, h: 62 },
  gateway: { x: 40, y: 170, w: 190, h: 62 },
  monolith: { x: 40, y: 295, w: 190, h: 62 },
  "onprem-zone-cp": { x: 255, y: 170, w: 190, h: 62 },
  "cloud-zone-cp": { x: 735, y: 170, w: 190, h: 62 },
  microservice: { x: 520, y: 295, w: 200, h: 62 },
};

export function renderTopology(data: TopologyAnswer): void {
  const root = $("topology");
  root.replaceChildren();
  const phaseState = (phase: string) => (data.phases && data.phases[phase]) || "not-deployed";
  const boxes: Record<string, Box> = {};
  // Back to front: zones, links, nodes, link labels, so that no zone hides a link and no box a label.
  const zonesLayer = svg("g", { class: "zones" });
  const linksLayer = svg("g", { class: "links" });
  const nodesLayer = svg("g", { class: "nodes" });
  const labelsLayer = svg("g", { class: "labels" });

  for (const zone of data.zones) {
    const at = ZONES[zone.id];
    if (!at) continue;
    const group = svg("g", { "data-zone": zone.id, class: `zone ${phaseState(zone.phase)}` });
    group.append(svg("rect", { x: at.x, y: at.y, width: at.w, height: at.h, rx: 14 }));
    group.append(
      svg(
        "text",
        { x: at.x + 14, y: at.y + 24, class: "zone-title" },
        `${zone.id === "cloud" ? "cloud zone" : "on-prem zone"}: ${zone.name}`,
      ),
    );
    if (zone.detail) group.append(svg("text", { x: at.x + 14, y: at.y + 42, class: "detail" }, zone.detail));
    zonesLayer.append(group);
    let extra = 0;
    for (const node of zone.nodes) {
      const box = NODES[node.id] || { x: at.x + 20 + (extra++ % 2) * 210, y: at.y + 200, w: 190, h: 52 };
      boxes[node.id] = box;
      nodesLayer.append(drawNode(node, box, phaseState(node.phase), zone.id));
    }
  }
  for (const node of data.controlPlanes) {
    const box = NODES[node.id];
    if (!box) continue;
    boxes[node.id] = box;
    nodesLayer.append(drawNode(node, box, phaseState(node.phase)));
  }

  const split = data.splits.reduce((max, s) => Math.max(max, s.weight), 0);
  for (const link of data.links) {
    const a = boxes[link.from];
    const b = boxes[link.to];
    if (!a || !b) continue;
    const [x1, y1, x2, y2] = [a.x + a.w / 2, a.y + a.h / 2, b.x + b.w / 2, b.y + b.h / 2];
    const toMicroservice = link.kind === "traffic" && link.to === "microservice";
    // Traffic lines are as thick as the share of the migrated paths they carry.
    const width =
      link.kind !== "traffic" ? 2 : toMicroservice ? 1.5 + (6 * split) / 100 : 1.5 + (6 * (100 - split)) / 100;
    const group = svg("g", {
      class: `link ${link.kind} ${phaseState(link.phase)}`,
      "data-link": `${link.from}->${link.to}`,
    });
    group.append(svg("line", { x1, y1, x2, y2, "stroke-width": width.toFixed(1) }));
    linksLayer.append(group);
    const label =
      toMicroservice && data.splits.length > 0
        ? `${link.label} · ${data.splits.map((s) => `${s.migration} ${s.weight}%`).join(", ")}`
        : link.label;
    const vertical = Math.abs(x1 - x2) < 1;
    labelsLayer.append(
      svg(
        "text",
        {
          x: vertical ? x1 + 8 : (x1 + x2) / 2,
          y: vertical ? (y1 + y2) / 2 + 4 : (y1 + y2) / 2 - 6,
          class: `link-label ${vertical ? "" : "middle"}`,
        },
        label,
      ),
    );
  }
  root.append(zonesLayer, linksLayer, nodesLayer, labelsLayer);

  // The traffic split of each migration: monolith on the left, microservice on the right.
  data.splits.forEach((s, i) => {
    const y = 400 + i * 46;
    const width = 920;
    const toNew = (width * s.weight) / 100;
    const group = svg("g", { class: `split ${s.source}`, "data-split": s.migration, "data-weight": s.weight });
    group.append(
      svg(
        "text",
        { x: 20, y, class: "split-label" },
        `${s.migration}: ${s.pathPrefix} (${s.source === "deployed" ? "deployed" : "planned: run not deployed"})`,
      ),
    );
    group.append(svg("rect", { x: 20, y: y + 8, width: width - toNew, height: 22, class: "to-monolith" }));
    group.append(svg("rect", { x: 20 + width - toNew, y: y + 8, width: toNew, height: 22, class: "to-microservice" }));
    if (s.weight < 100)
      group.append(svg("text", { x: 28, y: y + 24, class: "split-text" }, `monolith ${100 - s.weight}%`));
    if (s.weight > 0)
      group.append(svg("text", { x: 20 + width - 8, y: y + 24, class: "split-text end" }, `microservice ${s.weight}%`));
    root.append(group);
  });
  root.setAttribute("viewBox", `0 0 960 ${Math.max(400, 400 + data.splits.length * 46)}`);
}

function drawNode(node: TopologyNode, box: Box, phaseState: string, zone?: string): SVGElement {
  const group = svg("g", { "data-node": node.id, "data-in-zone": zone, class: `node ${node.kind} ${phaseState}` });
  group.append(
    svg("title", {}, `${node.label}${node.detail ? `: ${node.detail}` : ""} (${node.phase}, ${stateText(phaseState)})`),
  );
  group.append(svg("rect", { x: box.x, y: box.y, width: box.w, height: box.h, rx: 8 }));
  group.append(svg("text", { x: box.x + 10, y: box.y + 24, class: "node-label" }, node.label));
  if (node.detail)
    group.append(
      svg("text", { x: box.x + 10, y: box.y + 44, class: "detail" }, clip(node.detail, Math.floor(box.w / 6.4))),
    );
  return group;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
