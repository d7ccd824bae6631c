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
                        text.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
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
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(text, value.GetValue<string>());
                break;
            case JsonValueKind.Number:
                // A parsed number keeps its original text; a created one is written shortest-round-trip like Python's repr.
                text.Append(value.ToJsonString());
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            default:
                throw new NotSupportedException($"Unexpected JSON value kind {value.GetValueKind()}.");
        }
    }
}
