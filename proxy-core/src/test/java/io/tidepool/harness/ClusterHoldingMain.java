package io.tidepool.harness;

import io.tidepool.ops.local.LocalCluster;

/**
 * A JVM that builds a temporary cluster, prints {@code READY <directory> <postmaster pid>} and
 * waits to be ended: lets {@link LocalClusterIT} prove cleanup after SIGTERM and SIGKILL.
 */
public final class ClusterHoldingMain {

    private ClusterHoldingMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        LocalCluster cluster = LocalCluster.builder().standbys(0).build();
        System.out.println("READY " + cluster.baseDirectory() + " " + cluster.primary().postmasterPid().orElseThrow());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
