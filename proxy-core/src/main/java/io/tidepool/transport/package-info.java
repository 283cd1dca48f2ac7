/** Netty transport choice (io_uring, epoll or NIO), shared by listeners and backend connections. */
package io.tidepool.transport;
