using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Simulator;

/// <summary>
/// Realistic, unique <c>issue.*</c> and <c>error.created</c> deliveries of 2–8 KB for load runs, shaped like
/// sentry-contract.md §2.9.2 / §2.9.3 and encoded like Sentry. Titles, tags and stack frames vary in number and length;
/// some text is non-ASCII or HTML so escaping is exercised. Thread-safe.
/// </summary>
public sealed class LoadPayloadGenerator
{
    /// <summary>Smallest body produced.</summary>
    public const int MinBytes = 2 * 1024;

    /// <summary>Largest body produced.</summary>
    public const int MaxBytes = 8 * 1024;

    private static readonly string[] Words =
    [
        "cart", "total", "checkout", "payment", "user", "session", "token", "invoice", "order", "render", "fetch", "timeout",
        "connection", "refused", "undefined", "null", "index", "range", "parse", "queue", "worker", "retry", "cache", "miss",
        "caf\u00e9", "na\u00efve", "\u00fcber", "stra\u00dfe", "\u2014", "\u65e5\u672c\u8a9e", "\U0001F525", "<b>", "&amp;", "a/b", "\"quoted\"",
    ];

    private static readonly string[] Identifiers =
    [
        "cart", "total", "checkout", "payment", "user", "session", "token", "invoice", "order", "render", "fetch", "queue",
        "worker", "retry", "cache", "lookup", "apply", "discount", "shipping", "address", "validate", "serialize", "handle",
    ];

    private static readonly (string Type, string Platform, string Module, string Language)[] Kinds =
    [
        ("ZeroDivisionError", "python", "checkout.views", "py"),
        ("TypeError", "javascript", "app/components/Cart", "js"),
        ("NullReferenceException", "csharp", "Shop.Checkout.CartService", "cs"),
        ("KeyError", "python", "billing.invoices", "py"),
        ("ReferenceError", "javascript", "webpack:///src/app", "js"),
    ];

    private static readonly string[] IssueActions = ["created", "created", "created", "resolved", "assigned", "ignored", "unresolved"];

    private readonly Guid installationUuid;
    private readonly string organizationSlug;
    private long nextId;

    public LoadPayloadGenerator(Guid installationUuid, string organizationSlug = SentrySamples.SampleOrganizationSlug, long? firstId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(organizationSlug);
        this.installationUuid = installationUuid;
        this.organizationSlug = organizationSlug;
        nextId = firstId ?? Random.Shared.NextInt64(10_000_000_000, 90_000_000_000);
    }

    /// <summary>A new signed delivery: about 40 % <c>error.created</c>, the rest <c>issue.*</c> (mostly <c>created</c>).</summary>
    public SignedDelivery Next(string secret)
    {
        var id = Interlocked.Increment(ref nextId);
        var random = Random.Shared;
        var target = random.Next(MinBytes + 512, MaxBytes + 1);
        var (resource, action, root) = random.Next(10) < 4
            ? ("error", "created", BuildError(id, target, random))
            : BuildIssue(id, target, random);
        var body = SentryJson.Serialize(root);
        return new SignedDelivery(resource, action, body, SentrySigner.Sign(body, secret));
    }

    /// <summary>
    /// A cheap new delivery with the shape of <paramref name="template"/> (one of this generator's): a fresh issue id
    /// and event id written over the old ones in the raw bytes, then signed. For pools too large to build one by one.
    /// </summary>
    public SignedDelivery Derive(SignedDelivery template, string secret) => Derive(template, 1, secret)[0];

    /// <summary><paramref name="copies"/> deliveries derived from one template (see <see cref="Derive(SignedDelivery, string)"/>).</summary>
    public SignedDelivery[] Derive(SignedDelivery template, int copies, string secret)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentOutOfRangeException.ThrowIfNegative(copies);
        string? issueId;
        string? eventId;
        using (var document = JsonDocument.Parse(template.Body))
        {
            var data = document.RootElement.GetProperty("data");
            var error = data.TryGetProperty("error", out var e) ? e : default;
            issueId = error.ValueKind == JsonValueKind.Object
                ? error.GetProperty("issue_id").GetString()
                : data.GetProperty("issue").GetProperty("id").GetString();
            eventId = error.ValueKind == JsonValueKind.Object ? error.GetProperty("event_id").GetString() : null;
        }

        var issueIdAt = Positions(template.Body, issueId ?? "");
        var eventIdAt = eventId is null ? [] : Positions(template.Body, eventId);
        var derived = new SignedDelivery[copies];
        for (var i = 0; i < copies; i++)
        {
            var body = template.Body.ToArray();
            var newIssueId = Interlocked.Increment(ref nextId).ToString(CultureInfo.InvariantCulture);

            // Ids are written over in place, so they must keep their length (11 digits; 32 hex digits).
            if (issueId is null || issueIdAt.Count == 0 || newIssueId.Length != issueId.Length)
            {
                throw new ArgumentException("The template was not made by a LoadPayloadGenerator.", nameof(template));
            }

            Overwrite(body, issueIdAt, newIssueId);
            Overwrite(body, eventIdAt, Guid.NewGuid().ToString("N"));
            derived[i] = new SignedDelivery(template.Resource, template.Action, body, SentrySigner.Sign(body, secret));
        }

        return derived;
    }

    private static List<int> Positions(byte[] body, string text)
    {
        var positions = new List<int>();
        var needle = Encoding.ASCII.GetBytes(text);
        for (var at = body.AsSpan().IndexOf(needle); at >= 0 && needle.Length > 0;)
        {
            positions.Add(at);
            var next = body.AsSpan(at + needle.Length).IndexOf(needle);
            at = next < 0 ? -1 : at + needle.Length + next;
        }

        return positions;
    }

    private static void Overwrite(byte[] body, List<int> positions, string replacement)
    {
        foreach (var at in positions)
        {
            Encoding.ASCII.GetBytes(replacement, body.AsSpan(at, replacement.Length));
        }
    }

    private (string Resource, string Action, JsonObject Root) BuildIssue(long id, int target, Random random)
    {
        var action = IssueActions[random.Next(IssueActions.Length)];
        var kind = Kinds[random.Next(Kinds.Length)];
        var project = Project(random);
        var issueId = id.ToString(CultureInfo.InvariantCulture);
        var seen = DateTimeOffset.UtcNow.AddMinutes(-random.Next(1, 100_000));

        var issue = new JsonObject();
        if (action == "created")
        {
            issue["url"] = $"https://sentry.io/api/0/organizations/{organizationSlug}/issues/{issueId}/";
            issue["web_url"] = $"https://{organizationSlug}.sentry.io/issues/{issueId}/";
            issue["project_url"] = $"https://{organizationSlug}.sentry.io/issues/?project={project.Id}";
        }

        var message = Sentence(random, random.Next(2, 12));
        issue["id"] = issueId;
        issue["shareId"] = null;
        issue["shortId"] = $"{project.Slug.ToUpperInvariant()}-{(id % 100_000).ToString(CultureInfo.InvariantCulture)}";
        issue["title"] = $"{kind.Type}: {Sentence(random, random.Next(2, 30))}";
        issue["culprit"] = $"{kind.Module} in {Word(random)}_{Word(random)}";
        issue["permalink"] = null;
        issue["logger"] = null;
        issue["level"] = "error";
        issue["status"] = action switch { "resolved" => "resolved", "ignored" => "ignored", _ => "unresolved" };
        issue["statusDetails"] = new JsonObject();
        issue["substatus"] = action switch
        {
            "resolved" => null,
            "ignored" => "archived_until_escalating",
            "unresolved" => "regressed",
            _ => "new",
        };
        issue["isPublic"] = false;
        issue["platform"] = kind.Platform;
        issue["priority"] = random.Next(3) switch { 0 => "low", 1 => "medium", _ => "high" };
        issue["priorityLockedAt"] = null;
        issue["project"] = new JsonObject { ["id"] = project.Id, ["name"] = project.Slug, ["slug"] = project.Slug, ["platform"] = kind.Platform };
        issue["type"] = "error";
        issue["issueType"] = "error";
        issue["issueCategory"] = "error";
        var metadata = new JsonObject { ["filename"] = $"{kind.Module}.{kind.Language}", ["type"] = kind.Type, ["value"] = message };
        issue["metadata"] = metadata;
        issue["numComments"] = random.Next(5);
        issue["assignedTo"] = null;
        issue["isBookmarked"] = false;
        issue["isSubscribed"] = false;
        issue["subscriptionDetails"] = null;
        issue["hasSeen"] = false;
        var annotations = new JsonArray();
        issue["annotations"] = annotations;
        issue["isUnhandled"] = true;
        issue["count"] = random.Next(1, 50_000).ToString(CultureInfo.InvariantCulture);
        issue["userCount"] = random.Next(1, 5_000);
        issue["firstSeen"] = action == "created" ? IsoFormat(seen) : SentryFormat(seen);
        issue["lastSeen"] = action == "created" ? IsoFormat(seen) : SentryFormat(seen.AddSeconds(random.Next(86_400)));

        var data = new JsonObject();
        if (action == "resolved")
        {
            data["resolution_type"] = random.Next(2) == 0 ? "now" : "in_next_release";
        }
        else if (action == "assigned")
        {
            data["assignee"] = new JsonObject { ["type"] = "user", ["name"] = Person(random), ["id"] = random.Next(1, 10_000), ["email"] = "dev@example.com" };
        }

        data["issue"] = issue;
        var root = Envelope(action, data, action == "created" || action == "unresolved" ? SystemActor() : UserActor(random));

        // Grow to the target with annotations (links other integrations added) and a longer exception message.
        var size = SentryJson.Measure(root);
        while (size < target)
        {
            if (annotations.Count < 12 || random.Next(3) == 0)
            {
                var annotation = new JsonObject
                {
                    ["displayName"] = $"{Word(random).ToUpperInvariant()}-{random.Next(1, 99_999).ToString(CultureInfo.InvariantCulture)}",
                    ["url"] = $"https://tracker.example.com/browse/{Word(random)}/{random.Next(1, 99_999).ToString(CultureInfo.InvariantCulture)}?ref=sentry&org={organizationSlug}",
                };
                size += SentryJson.Measure(annotation) + 1;
                annotations.Add(annotation);
            }
            else
            {
                var extra = " " + Sentence(random, random.Next(5, 25));
                message += extra;
                size += SentryJson.Measure(JsonValue.Create(extra)) - 2;
                metadata["value"] = message;
            }
        }

        TrimToMax(root, annotations, size);
        return ("issue", action, root);
    }

    private JsonObject BuildError(long id, int target, Random random)
    {
        var kind = Kinds[random.Next(Kinds.Length)];
        var project = Project(random);
        var issueId = id.ToString(CultureInfo.InvariantCulture);
        var eventId = Guid.NewGuid().ToString("N");
        var at = DateTimeOffset.UtcNow.AddSeconds(-random.Next(1, 600));
        var unix = Math.Round(at.ToUnixTimeMilliseconds() / 1000.0, 3);
        var value = Sentence(random, random.Next(2, 12));
        var title = $"{kind.Type}: {Sentence(random, random.Next(2, 30))}";

        var tags = new JsonArray
        {
            new JsonArray("environment", random.Next(4) == 0 ? "staging" : "production"),
            new JsonArray("level", "error"),
            new JsonArray("server_name", $"web-{random.Next(1, 40).ToString(CultureInfo.InvariantCulture)}"),
        };
        for (var i = random.Next(0, 12); i > 0; i--)
        {
            tags.Add(new JsonArray(Word(random), Sentence(random, random.Next(1, 4))));
        }

        var frames = new JsonArray();
        var error = new JsonObject
        {
            ["event_id"] = eventId,
            ["project"] = int.Parse(project.Id, CultureInfo.InvariantCulture),
            ["release"] = random.Next(2) == 0 ? null : $"shop@{random.Next(1, 9)}.{random.Next(0, 40)}.{random.Next(0, 9)}",
            ["dist"] = null,
            ["platform"] = kind.Platform,
            ["message"] = "",
            ["datetime"] = IsoFormat(at),
            ["timestamp"] = unix,
            ["received"] = unix,
            ["level"] = "error",
            ["culprit"] = $"{kind.Module} in {Word(random)}",
            ["title"] = title,
            ["type"] = "error",
            ["location"] = $"{kind.Module}.{kind.Language}",
            ["logger"] = "",
            ["fingerprint"] = new JsonArray("{{ default }}"),
            ["hashes"] = new JsonArray(Guid.NewGuid().ToString("N")),
            ["metadata"] = new JsonObject { ["filename"] = $"{kind.Module}.{kind.Language}", ["type"] = kind.Type, ["value"] = value },
            ["tags"] = tags,
            ["contexts"] = new JsonObject { ["runtime"] = new JsonObject { ["name"] = kind.Platform, ["type"] = "runtime", ["version"] = "3.12.4" } },
            ["exception"] = new JsonObject
            {
                ["values"] = new JsonArray(new JsonObject
                {
                    ["type"] = kind.Type,
                    ["value"] = value,
                    ["stacktrace"] = new JsonObject { ["frames"] = frames },
                }),
            },
            ["request"] = new JsonObject { ["url"] = $"https://shop.example.com/{Word(random)}/{Word(random)}", ["method"] = random.Next(2) == 0 ? "GET" : "POST" },
            ["sdk"] = new JsonObject { ["name"] = $"sentry.{kind.Platform}", ["version"] = "2.18.0" },
            ["user"] = new JsonObject { ["ip_address"] = $"203.0.113.{random.Next(1, 255).ToString(CultureInfo.InvariantCulture)}" },
            ["_ref"] = random.Next(1_000_000, 9_999_999),
            ["_ref_version"] = 2,
            ["key_id"] = random.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture),
            ["version"] = "7",
            ["url"] = $"https://sentry.io/api/0/projects/{organizationSlug}/{project.Slug}/events/{eventId}/",
            ["web_url"] = $"https://sentry.io/organizations/{organizationSlug}/issues/{issueId}/events/{eventId}/",
            ["issue_url"] = $"https://sentry.io/api/0/organizations/{organizationSlug}/issues/{issueId}/",
            ["issue_id"] = issueId,
        };
        var root = Envelope("created", new JsonObject { ["error"] = error }, SystemActor());

        // Grow to the target with stack frames (deep stacks are what make real error bodies large).
        var size = SentryJson.Measure(root);
        while (size < target)
        {
            var frame = Frame(kind, random);
            size += SentryJson.Measure(frame) + 1;
            frames.Insert(0, frame);
        }

        TrimToMax(root, frames, size);
        return root;
    }

    private JsonObject Envelope(string action, JsonObject data, JsonObject actor) => new()
    {
        ["action"] = action,
        ["installation"] = new JsonObject { ["uuid"] = installationUuid.ToString() },
        ["data"] = data,
        ["actor"] = actor,
    };

    private static void TrimToMax(JsonObject root, JsonArray grown, int estimate)
    {
        // The estimate is exact or one byte over; growth can overshoot by one item: drop items until the body fits.
        while (estimate > MaxBytes && (estimate = SentryJson.Measure(root)) > MaxBytes && grown.Count > 0)
        {
            grown.RemoveAt(0);
        }
    }

    private static JsonObject Frame((string Type, string Platform, string Module, string Language) kind, Random random)
    {
        var module = $"{kind.Module}.{Word(random)}";
        var file = $"{module.Replace('.', '/')}.{kind.Language}";
        var inApp = random.Next(3) != 0;
        return new JsonObject
        {
            ["filename"] = file,
            ["abs_path"] = inApp ? $"/srv/app/{file}" : $"/usr/lib/{kind.Platform}/site-packages/{file}",
            ["module"] = module,
            ["function"] = $"{Word(random)}_{Word(random)}",
            ["lineno"] = random.Next(1, 2_000),
            ["colno"] = random.Next(1, 120),
            ["in_app"] = inApp,
            ["context_line"] = "    " + Sentence(random, random.Next(2, 10)),
        };
    }

    private static JsonObject SystemActor() => new() { ["type"] = "application", ["id"] = "sentry", ["name"] = "Sentry" };

    private static JsonObject UserActor(Random random) => new() { ["type"] = "user", ["id"] = random.Next(1, 10_000), ["name"] = Person(random) };

    private static (string Id, string Slug) Project(Random random) => random.Next(4) switch
    {
        0 => ("1", "front-end"),
        1 => ("2", "backend"),
        2 => ("3", "billing"),
        _ => ("4", "mobile-app"),
    };

    private static string Person(Random random) => random.Next(4) switch
    {
        0 => "Jos\u00e9 Mar\u00eda",
        1 => "Jane Doe",
        2 => "\u674e\u96f7",
        _ => "",
    };

    private static string Word(Random random) => Identifiers[random.Next(Identifiers.Length)];

    private static string Sentence(Random random, int words)
    {
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            text.Append(Words[random.Next(Words.Length)]);
        }

        return text.ToString();
    }

    // issue.created / error.created datetimes go through Python's isoformat() (sentry-contract.md §0).
    private static string IsoFormat(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);

    private static string SentryFormat(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
