using System.Collections.Generic;

namespace PSPeerChat.Content
{
    /// <summary>
    /// A JSON object of the neutral content tree (protocol.md §3.13): its properties in the order they came, names
    /// non-empty and unique ignoring case. Only a property bag: nothing in it names or creates a .NET type.
    /// </summary>
    internal sealed class JsonObject
    {
        private readonly List<KeyValuePair<string, object>> _properties;

        public JsonObject() => _properties = new List<KeyValuePair<string, object>>();

        public JsonObject(int capacity) => _properties = new List<KeyValuePair<string, object>>(capacity);

        /// <summary>The properties in order; each value is a node of the tree (JsonObject, object[], string, long, decimal, double, bool or null).</summary>
        public IReadOnlyList<KeyValuePair<string, object>> Properties => _properties;

        public int Count => _properties.Count;

        /// <summary>Adds a property at the end; the caller keeps the names unique (the reader refuses duplicates).</summary>
        public void Add(string name, object value) => _properties.Add(new KeyValuePair<string, object>(name, value));

        /// <summary>The value of the property named <paramref name="name"/> (ignoring case), or false.</summary>
        public bool TryGetValue(string name, out object value)
        {
            foreach (KeyValuePair<string, object> p in _properties)
            {
                if (string.Equals(p.Key, name, System.StringComparison.OrdinalIgnoreCase))
                {
                    value = p.Value;
                    return true;
                }
            }
            value = null;
            return false;
        }
    }
}
