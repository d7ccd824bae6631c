using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portal.Dashboard;

/// <summary>
/// A stored body as a person reads it: indented JSON with Sentry's <c>\uXXXX</c> escapes turned back into
/// characters, the grant code of <c>installation.created</c> redacted, and capped so a 2 MiB body cannot stall a
/// page. Pages render the result as text, never as markup.
/// </summary>
public static partial class PayloadText
{
    public const int MaxLength = 256 * 1024;

    public const string Redacted = "[redacted]";

    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Pretty(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        string text;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, Indented))
            {
                Write(writer, document.RootElement, parent: null);
            }

            text = SurrogatePair().Replace(Encoding.UTF8.GetString(buffer.ToArray()), pair =>
                char.ConvertFromUtf32(char.ConvertToUtf32(
                    (char)Convert.ToInt32(pair.Groups[1].Value, 16), (char)Convert.ToInt32(pair.Groups[2].Value, 16))));
        }
        catch (JsonException)
        {
            // Not JSON: show the bytes as they came (they may still carry a code, so only when nothing looks like one).
            text = Encoding.UTF8.GetString(body);
            if (text.Contains("\"code\"", StringComparison.Ordinal))
            {
                return "(The body is not valid JSON and may contain a grant code, so it is not shown.)";
            }
        }

        return text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength), $"\n… ({text.Length - MaxLength:N0} more characters not shown)");
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, string? parent)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);

                    // The single-use grant code of installation.created (sentry-contract.md §2.9.1) never reaches a page.
                    if (parent == "installation" && property.Name == "code")
                    {
                        writer.WriteStringValue(Redacted);
                        continue;
                    }

                    Write(writer, property.Value, property.Name);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, parent);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    // The writer escapes characters outside the Basic Multilingual Plane (emoji) even in relaxed mode; a reader wants them back.
    [GeneratedRegex(@"(?<!\\)\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})", RegexOptions.IgnoreCase)]
    private static partial Regex SurrogatePair();
}
