package dev.meshdbg.cli.demo;

import dev.meshdbg.agent.guard.SessionForwarder;
import dev.meshdbg.cli.attach.LocalForward;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshdbg.cli.OutputOption;
import dev.meshdbg.cli.attach.AgentProcess;
import dev.meshdbg.client.ClientConfigs;
import dev.meshdbg.client.ClientEnvironment;
import dev.meshdbg.client.Debugger;
import dev.meshdbg.client.DebuggerInstall;
import dev.meshdbg.client.Debuggers;
import dev.meshdbg.client.SessionSpec;
import dev.meshdbg.client.WrittenConfigs;
import dev.meshdbg.demo.EnvoyLike;
import dev.meshdbg.demo.EnvoyLikeProcess;
import dev.meshdbg.errors.MeshdbgException;
import dev.meshdbg.symbols.BuildId;
import dev.meshdbg.symbols.elf.ElfFile;
import dev.meshdbg.symbols.sourcemap.BinarySourceMap;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Debug a live server end to end, no cluster needed:",
            "builds envoy-like (a small Envoy stand-in) with bazel-like debug paths, runs it as a pod",
            "stand-in (fresh PID, mount and UTS namespaces, the pod name as hostname), attaches by --pod",
            "through the agent and the guard, stops at a breakpoint in its request handler with the",
            "source resolved through the derived source map, prints a variable, detaches, and shows",
            "the server still serving. Needs root, g++, and gdb+gdbserver or lldb+lldb-server."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--debugger", paramLabel = "gdb|lldb", defaultValue = "gdb",
            description = "gdb (with gdbserver) or lldb (with lldb-server). Default: ${DEFAULT-VALUE}.")
    String debugger;

    @Option(names = "--pod", paramLabel = "NAME", defaultValue = "fortio-server-0",
            description = "The stand-in pod's name (default: ${DEFAULT-VALUE}).")
    String pod;

    @Option(names = "--keep", description = "Keep the work directory (sources, binary, generated configs).")
    boolean keep;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    private DemoReport report;

    @Override
    public Integer call() throws Exception {
        Debugger kind = switch (debugger) {
            case "gdb" -> Debugger.GDB;
            case "lldb" -> Debugger.LLDB;
            default -> throw MeshdbgException.badInput("--debugger must be gdb or lldb, not '" + debugger + "'");
        };
        EnvoyLikeProcess.podWrapper(pod); // refuses a bad name before anything starts
        if (!"root".equals(System.getProperty("user.name"))) {
            throw MeshdbgException.badInput("the demo runs its server in new namespaces and attaches with ptrace:"
                    + " run it as root (sudo bin/meshdbg demo)");
        }
        DebuggerInstall install = Debuggers.find(kind);
        report = new DemoReport(spec.commandLine().getOut(), output.json());
        Path dir = Files.createTempDirectory("meshdbg-demo-");
        try {
            return run(install, dir);
        } finally {
            if (keep) {
                report.step("kept", "work directory kept: " + dir, Map.of("dir", dir.toString()));
            } else {
                deleteTree(dir);
            }
        }
    }

    private int run(DebuggerInstall install, Path dir) throws Exception {
        report.step("build", "building envoy-like the way bazel builds Envoy (g++ -g, -fdebug-prefix-map=WORKSPACE="
                + EnvoyLike.REMOTE_ROOT + ")", Map.of());
        EnvoyLike.Build build = EnvoyLike.build(dir, EnvoyLike.Compiler.GCC, false);
        BuildId buildId = buildId(build.binary());

        try (EnvoyLikeProcess envoy = EnvoyLikeProcess.startInPod(build.binary(), pod)) {
            report.step("started", "envoy-like runs as pod " + pod + " (host pid " + envoy.pid() + ", serving on 127.0.0.1:"
                    + envoy.port() + ")", Map.of("hostPid", envoy.pid(), "port", envoy.port()));
            Attachment attachment = Attachment.start(List.of("--pod", pod, "--name", "envoy-like",
                    "--debugger", install.debugger() == Debugger.GDB ? "gdb" : "lldb",
                    "--symbols-build-id", buildId.hex(), "--idle-timeout", "2m", "--leave-with-parent"), report);
            try {
                JsonNode ready = attachment.awaitReady(Duration.ofSeconds(60));
                WrittenConfigs configs = writeConfigs(install, build, ready, dir);
                report.step("configs", "source map derived from the binary; command file " + configs.commandFile(install.debugger()),
                        Map.of("commandFile", configs.commandFile(install.debugger()).toString()));
                DemoRun result = DemoRun.run(DemoScript.command(install, configs, build), envoy, report);
                return conclude(result, build, envoy);
            } finally {
                attachment.stop();
            }
        }
    }

    private WrittenConfigs writeConfigs(DebuggerInstall install, EnvoyLike.Build build, JsonNode ready, Path dir) {
        BinarySourceMap map = BinarySourceMap.derive(build.binary(), build.workspace(), Optional.of(build.workspace()),
                "", build.workspace());
        SessionSpec session = new SessionSpec(install.debugger(), ready.path("address").asText(), ready.path("port").asInt(),
                build.binary(), map.map(), List.of(), Path.of("/proc/" + ready.path("hostPid").asLong() + "/root"), "demo");
        return ClientConfigs.write(session, dir.resolve(".meshdbg"), null, new ClientEnvironment(install,
                ClientEnvironment.defaultIndexCacheDir()));
    }

    private int conclude(DemoRun result, EnvoyLike.Build build, EnvoyLikeProcess envoy) throws IOException {
        boolean stopped = DemoScript.stoppedAtHandler(result.transcript(), build);
        String variable = DemoScript.variable(result.transcript());
        boolean serving = envoy.serves(Duration.ofSeconds(5));
        String state = envoy.isAlive() ? envoy.state() : "gone";
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("stoppedAtHandler", stopped);
        fields.put("line", DemoScript.FILE + ":" + build.line("handler"));
        fields.put("variable", variable);
        fields.put("heldRequest", result.heldRequest());
        fields.put("serving", serving);
        fields.put("state", state);
        report.step("result", stopped && variable != null && serving
                ? "stopped at " + DemoScript.FILE + ":" + build.line("handler") + ", read " + DemoScript.VARIABLE
                        + ", detached; the held request completed (" + result.heldRequest() + ") and envoy-like still serves"
                : "the demo did not go as expected: see the transcript above", fields);
        return stopped && variable != null && serving ? 0 : 1;
    }

    private static BuildId buildId(Path binary) {
        try (ElfFile elf = ElfFile.open(binary)) {
            return elf.buildId().orElseThrow(() -> MeshdbgException.failure("envoy-like was built without a build-id", null));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The agent for the demo: started, awaited until ready, stopped with its events reported. */
    private record Attachment(AgentProcess agent, java.util.concurrent.CompletableFuture<JsonNode> ready,
                              java.util.concurrent.atomic.AtomicReference<SessionForwarder> forward) {
        static Attachment start(List<String> args, DemoReport report) {
            var ready = new java.util.concurrent.CompletableFuture<JsonNode>();
            var forward = new java.util.concurrent.atomic.AtomicReference<SessionForwarder>();
            AgentProcess agent = AgentProcess.start(args, event -> {
                String kind = event.path("event").asText();
                if (kind.equals("ready")) {
                    forward.set(LocalForward.open((com.fasterxml.jackson.databind.node.ObjectNode) event, 0));
                }
                report.agentEvent(event);
                if (kind.equals("ready")) {
                    ready.complete(event);
                } else if (kind.equals("error")) {
                    ready.completeExceptionally(event.path("kind").asText().equals("BAD_INPUT")
                            ? MeshdbgException.badInput(event.path("message").asText())
                            : MeshdbgException.failure(event.path("message").asText(), null));
                }
            });
            agent.onExit(() -> ready.completeExceptionally(MeshdbgException.failure("the agent exited: " + agent.stderr(), null)));
            return new Attachment(agent, ready, forward);
        }

        JsonNode awaitReady(Duration timeout) throws Exception {
            try {
                return ready.get(timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof MeshdbgException m ? m : e;
            } catch (java.util.concurrent.TimeoutException e) {
                throw MeshdbgException.failure("the agent was not ready within " + timeout.toSeconds() + " s", e);
            }
        }

        void stop() {
            agent.stop();
            java.util.Optional.ofNullable(forward.get()).ifPresent(SessionForwarder::close);
        }
    }
}
