package dev.meshdbg.image;

/** Small checks shared by the tests. */
final class Tests {
    private Tests() {
    }

    static boolean agentOnClasspath() {
        return Tests.class.getClassLoader().getResource("dev/meshdbg/agent/AgentMain.class") != null;
    }
}
