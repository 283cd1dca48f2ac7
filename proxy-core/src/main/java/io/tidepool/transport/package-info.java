/** Netty transport choice (epoll or NIO), shared by listeners and backend connections. */
package io.tidepool.transport;
