import { Router } from '../../src/router/router.js';
import type { RealmConfig, RouterConfig } from '../../src/router/config.js';
import { ALL_CLIENT_ROLES, RawPeer } from './raw-peer.js';
import { MemoryCluster } from './memory-cluster.js';
import type { MemoryClusterOptions, MemoryNode } from './memory-cluster.js';

/** A router that is one node of a MemoryCluster, and raw peers joined to it. */
export interface ClusterNode {
  readonly router: Router;
  readonly link: MemoryNode;
  /** A raw peer joined to realm1 on this node, with its session id. */
  join(roles?: Record<string, unknown>): Promise<{ peer: RawPeer; id: number }>;
}

/**
 * Starts one router per name, joined by one MemoryCluster, each serving realm1 (with
 * `realm` added to its config, and `config` to the router's); resolves once every node is
 * ready. The routers are pushed onto `routers`, for the spec to close.
 */
export async function startMemoryNodes(
  routers: Router[],
  names: readonly string[],
  options: MemoryClusterOptions = {},
  realm: Partial<RealmConfig> = {},
  config: Partial<RouterConfig> = {},
): Promise<ClusterNode[]> {
  const cluster = new MemoryCluster(options);
  const nodes = names.map((name): ClusterNode => {
    const link = cluster.node(name);
    const router = new Router({ ...config, realms: [{ name: 'realm1', ...realm }], cluster: link });
    routers.push(router);
    return {
      router,
      link,
      join: async (roles = ALL_CLIENT_ROLES) => {
        const peer = new RawPeer(router);
        const welcome = await peer.join('realm1', { roles });
        return { peer, id: RawPeer.sessionOf(welcome) };
      },
    };
  });
  await Promise.all(nodes.map((n) => n.router.ready));
  return nodes;
}
