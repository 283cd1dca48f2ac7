/**
 * SSH to the backends' hosts (JSch, the maintained {@code com.github.mwiede} fork): what online
 * recovery, and later the console's server operations, run remotely.
 *
 * <ul>
 *   <li>{@link io.tidepool.ops.ssh.SshSettings} (endpoint, keys or password, known_hosts, time
 *       limits, optional {@code sudo -n -u}); {@link io.tidepool.ops.ssh.NodeSshSettings} reads
 *       them per node from tidepool.conf.</li>
 *   <li>{@link io.tidepool.ops.ssh.SshClient} keeps one session per settings and replaces a
 *       dropped one; {@link io.tidepool.ops.ssh.SshConnection} runs
 *       {@link io.tidepool.ops.ssh.RemoteCommand}s (output line by line to an
 *       {@link io.tidepool.ops.ssh.OutputListener}, exit status, time limit, cancellation by
 *       {@link io.tidepool.ops.Cancellation}; a stopped command is sent {@code KILL}) and moves
 *       files over SFTP.</li>
 *   <li>Host keys: {@link io.tidepool.ops.ssh.KnownHostsFile} with {@code StrictHostKeyChecking=yes}.
 *       An unknown key is refused with {@link io.tidepool.ops.ssh.SshException.UnknownHostKey},
 *       which carries the {@link io.tidepool.ops.ssh.PresentedHostKey} and its SHA-256
 *       fingerprint; only {@link io.tidepool.ops.ssh.KnownHostsFile#trust}, given the fingerprint a
 *       person confirmed, adds it. A changed key is never accepted.</li>
 * </ul>
 *
 * <h2>tidepool.conf: SSH settings per node</h2>
 * <pre>
 * # for every node
 * ssh_user = 'postgres'                  # default: postgres (the OS user PostgreSQL runs as)
 * ssh_port = 22
 * ssh_identity_file = '/etc/tidepool/id_ed25519'   # default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa
 * ssh_known_hosts_file = 'known_hosts'   # relative to pgpool.conf; default ~/.ssh/known_hosts
 * ssh_connect_timeout = 10
 * # for node 2 only (N = the backend number of backend_hostnameN)
 * ssh_host2 = 'db2-admin.example.com'    # default: backend_hostname2 (a socket directory: localhost)
 * ssh_user2 = 'admin'
 * ssh_sudo_user2 = 'postgres'            # commands run as: sudo -n -u postgres -- /bin/sh -c '...'
 * ssh_identity_passphrase2 = '...'       # for an encrypted key
 * ssh_password2 = '...'                  # tried after the keys
 * pg_bin_dir2 = '/usr/pgsql-16/bin'      # default: the primary's own (pg_config BINDIR)
 * </pre>
 * Blocking throughout: call from worker threads, never an event loop or the FX thread.
 */
package io.tidepool.ops.ssh;
