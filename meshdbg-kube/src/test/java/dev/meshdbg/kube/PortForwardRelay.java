package dev.meshdbg.kube;

import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API server's side of {@code pods/portforward} (channel protocol v4): each websocket is relayed
 * to a real TCP connection on 127.0.0.1, so real bytes flow end to end. {@link #dropAll()} cuts
 * every stream, as a lost port-forward would.
 */
final class PortForwardRelay {
    private final Set<WebSocket> open = ConcurrentHashMap.newKeySet();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    volatile int opened;

    WebSocketListener listener(int port) {
        return new WebSocketListener() {
            private Socket socket;

            @Override
            public void onOpen(WebSocket ws, io.fabric8.mockwebserver.http.Response response) {
                open.add(ws);
                opened++;
                byte[] portBytes = {(byte) (port & 0xff), (byte) (port >> 8)};
                ws.send(new byte[] {0, portBytes[0], portBytes[1]});
                ws.send(new byte[] {1, portBytes[0], portBytes[1]});
                try {
                    socket = new Socket(InetAddress.getLoopbackAddress(), port);
                    sockets.add(socket);
                } catch (IOException e) {
                    ws.send(("\1" + "connection refused").getBytes());
                    ws.close(1000, "refused");
                    return;
                }
                Thread pump = new Thread(() -> pump(ws, socket), "test-portforward-pump");
                pump.setDaemon(true);
                pump.start();
            }

            @Override
            public void onMessage(WebSocket ws, byte[] bytes) {
                if (bytes.length < 1 || bytes[0] != 0 || socket == null) {
                    return;
                }
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(bytes, 1, bytes.length - 1);
                    out.flush();
                } catch (IOException e) {
                    ws.close(1000, "target closed");
                }
            }

            @Override
            public void onClosing(WebSocket ws, int code, String reason) {
                closeSocket();
                open.remove(ws);
            }

            @Override
            public void onClosed(WebSocket ws, int code, String reason) {
                closeSocket();
                open.remove(ws);
            }

            private void closeSocket() {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
            }
        };
    }

    private void pump(WebSocket ws, Socket socket) {
        byte[] buf = new byte[16384];
        try (InputStream in = socket.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                byte[] frame = new byte[n + 1];
                System.arraycopy(buf, 0, frame, 1, n);
                ws.send(frame);
            }
        } catch (IOException e) {
            // the stream ends either way
        } finally {
            ws.close(1000, "eof");
            open.remove(ws);
            sockets.remove(socket);
        }
    }

    /** Cuts every open stream on the server's side. */
    void dropAll() {
        open.forEach(ws -> ws.close(1011, "dropped by test")); // abnormal close first, as a broken connection
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // gone
            }
        }
    }

    int openStreams() {
        return open.size();
    }

}
