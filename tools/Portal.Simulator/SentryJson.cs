using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Simulator;

/// <summary>
/// Writes JSON the way Sentry's <c>sentry.utils.json.dumps</c> does (simplejson, sentry-contract.md §0): no whitespace,
/// key order kept, pure ASCII with every other character as lowercase <c>\uXXXX</c> (astral characters as surrogate
/// pairs), <c>/</c> and HTML characters left alone. Numbers keep the text they were parsed from.
/// </summary>
public static class SentryJson
{
    // Printable ASCII that simplejson writes as is: everything from ' ' to '~' except '"' and '\\'.
    private static readonly System.Buffers.SearchValues<char> Plain = System.Buffers.SearchValues.Create(
        Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c).Where(c => c is not ('"' or '\\')).ToArray());

    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    /// <summary>Parses a body for editing; <see cref="Serialize"/> of the unmodified result gives back the same bytes.</summary>
    public static JsonNode Parse(ReadOnlySpan<byte> body) =>
        JsonNode.Parse(body, NodeOptions, DocumentOptions) ?? throw new JsonException("The body is the JSON literal null.");

    /// <summary>The Sentry encoding of <paramref name="node"/>, as bytes.</summary>
    public static byte[] Serialize(JsonNode? node)
    {
        var text = new StringBuilder(1024);
        Write(text, node);

        // Every character written is ASCII, so one byte per char.
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>The length in bytes of <see cref="Serialize"/>'s output, for sizing generated payloads.</summary>
    public static int Measure(JsonNode? node)
    {
        var text = new StringBuilder(256);
        Write(text, node);
        return text.Length;
    }

    /// <summary>Appends <paramref name="value"/> as a quoted, escaped JSON string.</summary>
    public static void WriteString(StringBuilder text, string value)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(value);
        text.Append('"');
        if (!value.AsSpan().ContainsAnyExcept(Plain))
        {
            text.Append(value).Append('"');
            return;
        }

        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '\b':
                    text.Append("\\b");
                    break;
                case '\f':
                    text.Append("\\f");
                    break;
                default:
                    // simplejson's ESCAPE_ASCII escapes everything outside ' '..'~'; a .NET char is a UTF-16 unit, so
                    // astral characters come out as two \u escapes (a surrogate pair), exactly like Python.
                    if (c is < ' ' or > '~')
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }

    private static void Write(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var firstProperty = true;
                foreach (var (key, value) in obj)
                {
                    if (!firstProperty)
                    {
                        text.Append(',');
                    }

                    firstProperty = false;
                    WriteString(text, key);
                    text.Append(':');
                    Write(text, value);
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    Write(text, array[i]);
                }

                text.Append(']');
                break;
            case JsonValue value:
                WriteValue(text, value);
                break;
            default:
                throw new NotSupportedException($"Unexpected JSON node {node.GetType().Name}.");
        }
    }

    private static void WriteValue(StringBuilder text, JsonValue value)
    {
        // Fast paths for the values this tool creates; parsed values keep their exact original text.
        if (value.TryGetValue<string>(out var created))
        {
            WriteString(text, created);
            return;
        }

        if (value.TryGetValue<JsonElement>(out var element))
        {
            if (element.ValueKind == JsonValueKind.String)
            {
                // GetString is null only for a JSON null, and this is a string.
                WriteString(text, element.GetString()!);
            }
            else
            {
                // Numbers, true, false and null are plain ASCII already.
                text.Append(element.GetRawText());
            }

            return;
        }

        if (value.TryGetValue<int>(out var i))
        {
            text.Append(i.ToString(CultureInfo.InvariantCulture));
        }
        else if (value.TryGetValue<long>(out var l))
        {
            text.Append(l.ToString(CultureInfo.InvariantCulture));
        }
        else if (value.TryGetValue<bool>(out var b))
        {
            text.Append(b ? "true" : "false");
        }
        else if (value.GetValueKind() == JsonValueKind.Number)
        {
            // Other created numbers (double): shortest round-trip text, as Python's repr.
            text.Append(value.ToJsonString());
        }
        else
        {
            throw new NotSupportedException($"Unexpected JSON value kind {value.GetValueKind()}.");
        }
    }
}
