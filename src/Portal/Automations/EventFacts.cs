using System.Text.Json;
using Portal.SentryPlatform;

namespace Portal.Automations;

/// <summary>
/// What a rule can look at in one delivery, read the way Sentry's issue-alert filters read an event
/// (getsentry/sentry <c>src/sentry/rules/conditions/event_attribute.py</c>, <c>tagged_event.py</c>, <c>level.py</c>):
/// the event of <c>error.created</c> (<c>data.error</c>) and <c>event_alert.triggered</c> (<c>data.event</c>), or the
/// issue of <c>issue.*</c> (<c>data.issue</c>). Every lookup answers a list, empty when the payload lacks the field:
/// nothing here throws on a payload of another shape.
/// </summary>
internal sealed class EventFacts
{
    private readonly JsonElement eventObject;
    private readonly JsonElement issue;
    private readonly JsonElement assignee;
    private readonly JsonElement data;
    private Dictionary<string, IReadOnlyList<string>>? attributes;
    private Dictionary<string, IReadOnlyList<string>>? tagValues;
    private Dictionary<(string, bool), IReadOnlyList<string>>? lowered;

    private EventFacts(string trigger, JsonElement root)
    {
        Trigger = trigger;
        var data = root.ObjectOf("data");
        eventObject = data.ObjectOf("error") is { ValueKind: JsonValueKind.Object } error ? error : data.ObjectOf("event");
        issue = data.ObjectOf("issue");
        this.data = data;
        assignee = data.ObjectOf("assignee");
        Actor = root.ObjectOf("actor");
    }

    /// <summary><c>resource.action</c>, as rules name their triggers.</summary>
    public string Trigger { get; }

    /// <summary>Who caused the delivery (<c>{"type":"application"|"user", "id":…}</c>); undefined when absent.</summary>
    public JsonElement Actor { get; }

    public bool HasEvent => eventObject.ValueKind == JsonValueKind.Object;

    public bool HasIssue => issue.ValueKind == JsonValueKind.Object;

    /// <summary>
    /// Sentry's issue id: the issue's own, the event's <c>issue_id</c> (a string in event payloads), or what a comment
    /// (<c>data.issue_id</c>) or Seer (<c>data.group_id</c>) delivery names.
    /// </summary>
    public long? IssueId => HasIssue ? issue.IdOf("id") : eventObject.IdOf("issue_id") ?? data.IdOf("issue_id") ?? data.IdOf("group_id");

    /// <summary>Sentry's event id, in deliveries that carry an event.</summary>
    public string? EventId => eventObject.StringOf("event_id");

    /// <summary>The issue's short id (<c>FRONT-END-9</c>), only in issue payloads.</summary>
    public string? ShortId => issue.StringOf("shortId");

    /// <summary>The event's or issue's title.</summary>
    public string? Title => (HasEvent ? eventObject : issue).StringOf("title");

    public static EventFacts From(string resource, string? action, JsonElement root) => new($"{resource}.{action}", root);

    /// <summary>The values of one of <see cref="RuleVocabulary.Attributes"/>; empty when the delivery has none.</summary>
    /// <remarks>Read once per delivery: a hundred rules ask for the same few attributes.</remarks>
    public IReadOnlyList<string> Attribute(string attribute)
    {
        attributes ??= new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!attributes.TryGetValue(attribute, out var values))
        {
            values = ReadAttribute(attribute);
            attributes[attribute] = values;
        }

        return values;
    }

    /// <summary>
    /// <see cref="Attribute"/> (or, with <paramref name="tag"/>, <see cref="Tag"/>) lower-cased as Sentry compares
    /// values, once per delivery.
    /// </summary>
    public IReadOnlyList<string> Lowered(string name, bool tag)
    {
        lowered ??= new Dictionary<(string, bool), IReadOnlyList<string>>();
        if (!lowered.TryGetValue((name, tag), out var values))
        {
            values = [.. (tag ? Tag(name) : Attribute(name)).Select(v => v.ToLowerInvariant())];
            lowered[(name, tag)] = values;
        }

        return values;
    }

    private IReadOnlyList<string> ReadAttribute(string attribute) => attribute switch
    {
        "message" => Message(),
        "title" => Strings(Subject.StringOf("title")),
        "type" => Strings(Subject.StringOf("type")),
        "platform" => Strings(Subject.StringOf("platform")),
        "culprit" => Strings(Subject.StringOf("culprit")),
        "environment" => Tag("environment") is { Count: > 0 } environment ? environment : Strings(eventObject.StringOf("environment")),
        "level" => Level() is { } level ? [level] : [],
        "release" => Strings(eventObject.StringOf("release")) is { Count: > 0 } release ? release : Tag("release"),
        "project" => Project(),
        "exception.type" => Exceptions("type"),
        "exception.value" => Exceptions("value"),
        "error.handled" => Handled(),
        "stacktrace.filename" => Frames("filename"),
        "stacktrace.module" => Frames("module"),
        "stacktrace.abs_path" => Frames("abs_path"),
        "stacktrace.package" => Frames("package"),
        "user.id" => Scalar(eventObject.ObjectOf("user"), "id"),
        "user.email" => Strings(eventObject.ObjectOf("user").StringOf("email")),
        "user.username" => Strings(eventObject.ObjectOf("user").StringOf("username")),
        "user.ip_address" => Strings(eventObject.ObjectOf("user").StringOf("ip_address")),
        "http.url" => Strings(eventObject.ObjectOf("request").StringOf("url")),
        "http.method" => Strings(eventObject.ObjectOf("request").StringOf("method")),
        "sdk.name" => Strings(eventObject.ObjectOf("sdk").StringOf("name")),
        _ => [],
    };

    /// <summary>The first value of <paramref name="attribute"/>, or null.</summary>
    public string? First(string attribute) => Attribute(attribute) is [var first, ..] ? first : null;

    /// <summary>
    /// The values of every tag named <paramref name="key"/>, matched case-insensitively and with Sentry's <c>sentry:</c>
    /// prefix ignored. Events carry tags as <c>[[key, value], …]</c>; a key may repeat.
    /// </summary>
    public IReadOnlyList<string> Tag(string key)
    {
        tagValues ??= new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!tagValues.TryGetValue(key, out var values))
        {
            values = ReadTag(key);
            tagValues[key] = values;
        }

        return values;
    }

    private List<string> ReadTag(string key)
    {
        // Issue deliveries have no event: the undefined element has no properties to ask for.
        if (eventObject.ValueKind != JsonValueKind.Object || !eventObject.TryGetProperty("tags", out var tags) || tags.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var wanted = Standard(key);
        var values = new List<string>();
        foreach (var tag in tags.EnumerateArray())
        {
            var (name, value) = tag.ValueKind switch
            {
                JsonValueKind.Array when tag.GetArrayLength() == 2 => (Text(tag[0]), Text(tag[1])),
                JsonValueKind.Object => (tag.StringOf("key"), tag.StringOf("value")),
                _ => (null, null),
            };
            if (name is not null && value is not null && string.Equals(Standard(name), wanted, StringComparison.OrdinalIgnoreCase))
            {
                values.Add(value);
            }
        }

        return values;
    }

    /// <summary>Whether the delivery names the tag at all (Sentry's "is set" on tags is about the key).</summary>
    public bool HasTag(string key) => Tag(key).Count > 0;

    /// <summary>The event's level (its <c>level</c> tag, as Sentry reads it, else the field), lower-case; null when absent.</summary>
    public string? Level() =>
        (Tag("level") is [var tagged, ..] ? tagged : Subject.StringOf("level"))?.ToLowerInvariant();

    /// <summary>The issue's substatus (<c>new</c>, <c>regressed</c>, <c>escalating</c>, <c>ongoing</c> …); null outside issue payloads.</summary>
    public string? Substatus => issue.StringOf("substatus");

    /// <summary>
    /// Who the issue is assigned to (undefined or null when no one); null outside issue payloads. An
    /// <c>issue.assigned</c> names the new assignee in <c>data.assignee</c>, while its issue snapshot may still say
    /// <c>assignedTo: null</c> (as Sentry's own sample does).
    /// </summary>
    public JsonElement? AssignedTo =>
        !HasIssue ? null
        : assignee.ValueKind == JsonValueKind.Object ? assignee
        : issue.TryGetProperty("assignedTo", out var assignedTo) ? assignedTo : default(JsonElement);

    /// <summary>The first in-app frame's file name (or module), innermost first, for code-owner routing.</summary>
    public string? FirstInAppPath()
    {
        foreach (var frame in AllFrames().Reverse())
        {
            if (frame.TryGetProperty("in_app", out var inApp) && inApp.ValueKind == JsonValueKind.True)
            {
                return frame.StringOf("filename") ?? frame.StringOf("abs_path") ?? frame.StringOf("module");
            }
        }

        return null;
    }

    // The event when there is one, else the issue: title, type, platform and culprit exist on both.
    private JsonElement Subject => HasEvent ? eventObject : issue;

    // Sentry's message attribute: the message and a search string of the message, metadata values and culprit.
    private List<string> Message()
    {
        var subject = Subject;
        var message = HasEvent ? eventObject.StringOf("message") : issue.StringOf("title");
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(message))
        {
            parts.Add(message);
        }

        var metadata = subject.ObjectOf("metadata");
        foreach (var key in (string[])["type", "value", "filename", "title"])
        {
            if (metadata.StringOf(key) is { Length: > 0 } value && !parts.Any(p => p.Contains(value, StringComparison.Ordinal)))
            {
                parts.Add(value);
            }
        }

        if (subject.StringOf("culprit") is { Length: > 0 } culprit)
        {
            parts.Add(culprit);
        }

        var values = new List<string>();
        if (!string.IsNullOrEmpty(message))
        {
            values.Add(message);
        }

        if (parts.Count > 0)
        {
            values.Add(string.Join(' ', parts));
        }

        return values;
    }

    // An issue's project slug; an event names its project by id only, and its slug in its API url.
    private List<string> Project()
    {
        if (HasIssue)
        {
            return Strings(issue.ObjectOf("project").StringOf("slug"));
        }

        var values = new List<string>();
        if (eventObject.StringOf("url") is { } url && url.IndexOf("/projects/", StringComparison.Ordinal) is var at and >= 0)
        {
            var segments = url[(at + "/projects/".Length)..].Split('/');
            if (segments.Length >= 2 && segments[1].Length > 0)
            {
                values.Add(segments[1]);
            }
        }

        values.AddRange(Scalar(eventObject, "project"));
        return values;
    }

    private List<string> Exceptions(string property) =>
        [.. ExceptionValues().Select(e => e.StringOf(property)).OfType<string>()];

    private List<string> Handled() =>
        [.. ExceptionValues()
            .Select(e => e.ObjectOf("mechanism"))
            .Where(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("handled", out var h) && h.ValueKind is JsonValueKind.True or JsonValueKind.False)
            .Select(m => m.GetProperty("handled").ValueKind == JsonValueKind.True ? "true" : "false")];

    private List<string> Frames(string property) => [.. AllFrames().Select(f => f.StringOf(property)).OfType<string>()];

    // Sentry reads the event's own stack trace when it has one, else those of all its exceptions; never both.
    private IEnumerable<JsonElement> AllFrames()
    {
        var own = eventObject.ObjectOf("stacktrace");
        IEnumerable<JsonElement> stacks = own.ValueKind == JsonValueKind.Object
            ? [own]
            : ExceptionValues().Select(e => e.ObjectOf("stacktrace")).Where(s => s.ValueKind == JsonValueKind.Object);
        foreach (var stack in stacks)
        {
            if (stack.TryGetProperty("frames", out var frames) && frames.ValueKind == JsonValueKind.Array)
            {
                foreach (var frame in frames.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.Object))
                {
                    yield return frame;
                }
            }
        }
    }

    private IEnumerable<JsonElement> ExceptionValues()
    {
        var exception = eventObject.ObjectOf("exception");
        if (exception.ValueKind == JsonValueKind.Object && exception.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            return values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Object);
        }

        return [];
    }

    private static List<string> Strings(string? value) => value is null ? [] : [value];

    // A field that may be a string or a number (user ids, project ids).
    private static List<string> Scalar(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && Text(value) is { } text ? [text] : [];

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static string Standard(string key) => key.StartsWith("sentry:", StringComparison.OrdinalIgnoreCase) ? key["sentry:".Length..] : key;
}
