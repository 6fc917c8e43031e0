package io.daprguard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.DaprGuardApplication;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The image's AOT training run, as the Dockerfile starts it: every review it sends gets the answer it expects (a
 * review path that changed its answers breaks the training, and so the image build), the bursts reach the shedding
 * path, and the server exits with 0 once done.
 */
class AotTrainingIT {

    @TempDir
    Path certs;

    @Test
    void theTrainingRunSendsEveryKindOfReviewGetsTheExpectedAnswersAndExits() throws Exception {
        AtomicInteger exitCode = new AtomicInteger(-1);
        AotTraining.Result result;
        ConfigurableApplicationContext context = new SpringApplicationBuilder(DaprGuardApplication.class).run(
                "--server.port=0", "--management.server.port=0", "--dapr-guard.tls.dir=" + certs,
                "--dapr-guard.shutdown.drain-period=0s", "--dapr-guard.limits.max-concurrent-reviews=1");
        try {
            AotTraining training = new AotTraining(context, certs.resolve("ca.crt"), exitCode::set);
            result = training.train();
            training.run(null);
        } finally {
            context.close();
        }
        assertThat(exitCode.get()).as("the exit code the training ends the process with").isZero();
        assertThat(context.isActive()).as("the context is closed before the process exits").isFalse();
        assertThat(result.unexpected()).as("answers with another status than expected").isZero();
        assertThat(result.requests()).isEqualTo(AotTraining.THREADS * AotTraining.ROUNDS
                * AotTraining.calls().size() + AotTraining.BURSTS * AotTraining.BURST);
        assertThat(result.shed()).as("burst requests answered 429 by the shedding path").isPositive();
    }
}
