/**
 * The real-cluster test harness, published in proxy-core's test-jar for every module's tests.
 *
 * <p>Start with {@link io.tidepool.harness.PgClusterExtension} (a running primary with streaming
 * standbys for a test class), {@link io.tidepool.harness.PgClients} (psql, pgbench, pgJDBC) and
 * {@link io.tidepool.harness.TestClusters} (shared and fresh clusters without JUnit);
 * {@link io.tidepool.harness.DebianPgpool} puts Debian's pgpool-II in front of one, as the peer
 * Tidepool must behave like. The clusters
 * themselves are {@link io.tidepool.ops.local.LocalCluster}s, main code because the demo and the
 * benchmark build the same clusters.
 *
 * <p>To use it from another module's tests:
 * <pre>{@code
 * <dependency>
 *   <groupId>io.tidepool</groupId>
 *   <artifactId>tidepool-proxy-core</artifactId>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 */
package io.tidepool.harness;
