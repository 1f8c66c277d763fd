package io.traittrace.probe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Hands a written result to the audit runner: {@code POST URL} with the run's bearer token, the body the result
 * file as written. The token is scoped to this one run (the runner refuses it for any other). Connection
 * failures and 5xx answers are retried with backoff (the runner may be restarting); a 4xx is final.
 */
final class ResultSubmission {

    static final int ATTEMPTS = 6;

    private ResultSubmission() {
    }

    static void submit(Path result, URI url, String token, Progress progress) {
        if (token == null || token.isBlank()) {
            throw new ProbeException(ProbeException.NOT_SUBMITTED, "TRAITTRACE_RUN_TOKEN is not set: the result cannot be handed to " + url);
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofFile(result)).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new ProbeException(ProbeException.NOT_SUBMITTED, "Cannot submit " + result + " to " + url + ": " + e.getMessage(), e);
        }
        String last = "";
        long backoffMs = 500;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    progress.line("result handed to the audit runner (HTTP %d)", status);
                    return;
                }
                last = "HTTP " + status + ": " + response.body();
                if (status / 100 == 4) {
                    break;
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                last = "interrupted";
                break;
            }
            progress.line("submitting the result failed (attempt %d/%d): %s", attempt, ATTEMPTS, last);
            sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, 8_000);
        }
        throw new ProbeException(ProbeException.NOT_SUBMITTED, "The audit runner did not take the result " + result + " (" + url + "): " + last);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
