using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Portal.Simulator;

/// <summary>
/// Checks, without a portal, that this tool writes what Sentry writes: samples survive a parse and re-serialise byte for
/// byte, signatures match the samples' README, varied and generated bodies are unique, ASCII and keep the samples' shape.
/// </summary>
internal static class SelfTest
{
    // From Samples/README.md: HMAC-SHA256 of each file under SentrySamples.SampleSecret.
    private static readonly Dictionary<string, string> KnownSignatures = new(StringComparer.Ordinal)
    {
        ["webhook.installation.created.json"] = "f0868dc6992910a30a0e8c6eb2aae454492912d2c474b0870d7074d79ef1c1b3",
        ["webhook.installation.deleted.json"] = "0f954baf7ae757dd96dfe7a52f6251073d38984a8d0ebd5fd206e22bca96b836",
        ["webhook.issue.created.json"] = "898a2002d3972fc29164db07d79b263bc6273a478fd6dc7c5606a94b65320aa0",
        ["webhook.issue.resolved.json"] = "a37eb263eb0a3002c22b12ac5bfe31d515ba3146222946bfecb7ef9bfbe599bb",
        ["webhook.issue.assigned.json"] = "73542828255151ed7a02cd062e5c4ece5fe309817c80430f8b4cc1ae4ee7b5a9",
        ["webhook.issue.ignored.json"] = "6eca2a916ee74fbe8652740865b7fa260566d5184ab57fcc17b59978c13df1d5",
        ["webhook.issue.unresolved.json"] = "03e59a903ef79076394a640b7bf945bd639817e442b6e6576114d435c0cdc43d",
        ["webhook.issue.archived.legacy.json"] = "5269bcc8ca21bf9d140f964dde6af20aac5812e841fdc542f52a27c9fc4fb166",
        ["webhook.error.created.json"] = "844314fe9718bbda88720c911d279b4a7d62ef3be1a1e760f798e8b0ded7438e",
        ["webhook.comment.created.json"] = "c5c9f370d294accab8b1dbd4b2d3b8c796c2c7d12a7b584436f93bb848b89bec",
        ["webhook.comment.updated.json"] = "bdc430089ac10d3fde9fc25d02a0ef679f78a656a53606be44c2dccd5415c901",
        ["webhook.comment.deleted.json"] = "eaea8e52ab71ee059459274fb8e5421deb93a81866b73511b3f47d6d7bbcc994",
        ["webhook.event_alert.triggered.json"] = "ffa5742f8103fe91dcc08a8b166a92c838ea76eca2cca7a3a3a4edc33874ad0e",
        ["webhook.metric_alert.critical.json"] = "9f7c1c31a00eb878d3b321abd7878d8d42f4c3fb7968af37f8ed571f52cbce97",
        ["webhook.metric_alert.warning.json"] = "68eea31ae4d1ea3be3ab311846253a427c9ba7d06f5c1139a9e6667311ebeb4b",
        ["webhook.metric_alert.resolved.json"] = "65bcc5006ee235eca721d94c1f69731b466549346620992e01dae07e0bee56ea",
        ["webhook.seer.root_cause_completed.json"] = "cc23c162641de875ccc569cfeb275122e86d08f6035a0f3b0f7a0765fdab071c",
    };

    public static int Run()
    {
        var failures = new List<string>();
        CheckSamples(failures);
        CheckVariations(failures);
        CheckGenerator(failures);

        foreach (var failure in failures)
        {
            Console.Error.WriteLine("FAIL " + failure);
        }

        Console.WriteLine(failures.Count == 0 ? "self-test passed" : $"self-test failed: {failures.Count} problem(s)");
        return failures.Count == 0 ? 0 : 1;
    }

    private static void CheckSamples(List<string> failures)
    {
        var samples = SentrySamples.Webhooks;
        if (samples.Count != KnownSignatures.Count)
        {
            failures.Add($"expected {KnownSignatures.Count} webhook samples, found {samples.Count}");
        }

        foreach (var sample in samples)
        {
            var again = SentryJson.Serialize(SentryJson.Parse(sample.Body));
            if (!again.AsSpan().SequenceEqual(sample.Body))
            {
                failures.Add($"{sample.Name}: re-serialised bytes differ at offset {FirstDifference(again, sample.Body)}");
            }

            if (KnownSignatures.TryGetValue(sample.Name, out var expected) && SentrySigner.Sign(sample.Body, SentrySamples.SampleSecret) != expected)
            {
                failures.Add($"{sample.Name}: signature does not match the README");
            }
        }

        Console.WriteLine($"samples: {samples.Count} re-serialised and signature-checked");
    }

    private static void CheckVariations(List<string> failures)
    {
        var installation = Guid.NewGuid();
        var variators = new[]
        {
            new DeliveryVariator(),
            new DeliveryVariator(new DeliveryVariation { InstallationUuid = installation, OrganizationSlug = "other-org" }),
        };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variator in variators)
        {
            foreach (var sample in SentrySamples.Webhooks)
            {
                for (var i = 0; i < 3; i++)
                {
                    var body = variator.Vary(sample);
                    CheckBody($"{sample.Name} (varied)", body, failures);
                    if (!seen.Add(Convert.ToHexString(SHA256.HashData(body))) || body.AsSpan().SequenceEqual(sample.Body))
                    {
                        failures.Add($"{sample.Name}: a varied body is a duplicate");
                    }

                    if (!Shape(SentryJson.Parse(body)).SequenceEqual(Shape(SentryJson.Parse(sample.Body)), StringComparer.Ordinal))
                    {
                        failures.Add($"{sample.Name}: varying changed the keys or their order");
                    }

                    var root = SentryJson.Parse(body);
                    if (root["installation"]?["uuid"]?.GetValue<string>() != variator.InstallationUuid.ToString())
                    {
                        failures.Add($"{sample.Name}: installation uuid was not replaced");
                    }

                    if (sample.Resource == "installation"
                        && root["data"]?["installation"]?["organization"]?["slug"]?.GetValue<string>() != variator.OrganizationSlug)
                    {
                        failures.Add($"{sample.Name}: organization slug was not replaced");
                    }

                    if (variator.InstallationUuid != SentrySamples.SampleInstallationUuid
                        && System.Text.Encoding.ASCII.GetString(body).Contains(SentrySamples.SampleInstallationUuid.ToString(), StringComparison.Ordinal))
                    {
                        failures.Add($"{sample.Name}: the sample installation uuid is still in the body");
                    }
                }
            }
        }

        Console.WriteLine($"variations: {seen.Count} distinct bodies, keys and encoding kept");
    }

    private static void CheckGenerator(List<string> failures)
    {
        var generator = new LoadPayloadGenerator(Guid.NewGuid());
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        var (min, max, total) = (int.MaxValue, 0, 0L);
        const int Count = 2_000;
        for (var i = 0; i < Count; i++)
        {
            var delivery = generator.Next(SentrySamples.SampleSecret);
            CheckBody(delivery.EventName + " (generated)", delivery.Body, failures);
            if (delivery.Body.Length is < LoadPayloadGenerator.MinBytes or > LoadPayloadGenerator.MaxBytes)
            {
                failures.Add($"generated {delivery.EventName} is {delivery.Body.Length} bytes");
            }

            if (!hashes.Add(Convert.ToHexString(SHA256.HashData(delivery.Body))))
            {
                failures.Add("generated a duplicate body");
            }

            if (delivery.Signature != SentrySigner.Sign(delivery.Body, SentrySamples.SampleSecret))
            {
                failures.Add("generated delivery has a wrong signature");
            }

            (min, max, total) = (Math.Min(min, delivery.Body.Length), Math.Max(max, delivery.Body.Length), total + delivery.Body.Length);
        }

        var template = generator.Next(SentrySamples.SampleSecret);
        for (var i = 0; i < 200; i++)
        {
            var derived = generator.Derive(template, SentrySamples.SampleSecret);
            CheckBody(derived.EventName + " (derived)", derived.Body, failures);
            if (!hashes.Add(Convert.ToHexString(SHA256.HashData(derived.Body))) || derived.Body.Length != template.Body.Length
                || derived.Signature != SentrySigner.Sign(derived.Body, SentrySamples.SampleSecret))
            {
                failures.Add("a derived delivery is a duplicate, has another size or a wrong signature");
            }
        }

        Console.WriteLine($"generator: {Count} unique bodies, {min}..{max} bytes, mean {total / Count}; 200 derived copies unique");
    }

    private static void CheckBody(string what, byte[] body, List<string> failures)
    {
        if (body.Any(b => b is < 0x20 or > 0x7e))
        {
            failures.Add($"{what}: body is not printable ASCII");
            return;
        }

        if (!SentryJson.Serialize(SentryJson.Parse(body)).AsSpan().SequenceEqual(body))
        {
            failures.Add($"{what}: body is not in Sentry's canonical encoding");
        }
    }

    // Every property path in document order: the variation may change values, never keys or their order.
    private static List<string> Shape(JsonNode? node, string path = "$", List<string>? into = null)
    {
        into ??= [];
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    into.Add(path + "." + key);
                    Shape(value, path + "." + key, into);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Shape(array[i], $"{path}[{i}]", into);
                }

                break;
        }

        return into;
    }

    private static int FirstDifference(byte[] a, byte[] b)
    {
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }

        return length;
    }
}
