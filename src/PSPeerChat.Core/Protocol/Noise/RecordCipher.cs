using System;

namespace PSPeerChat.Protocol.Noise
{
    /// <summary>What <see cref="RecordCipher.TryOpen"/> found at the front of the received bytes.</summary>
    internal enum RecordStatus
    {
        /// <summary>A whole record decrypted; its plaintext is returned and its bytes consumed.</summary>
        Opened,

        /// <summary>Not yet a whole record: read more bytes and call again. Nothing was consumed.</summary>
        Incomplete,

        /// <summary>The record is malformed or did not decrypt (forged, altered, replayed, reordered): close the link.</summary>
        Failed,
    }

    /// <summary>
    /// The transport phase of an encrypted link (protocol.md §9.4): each record is a 2-byte big-endian length and a
    /// ChaChaPoly ciphertext of at most 65,535 bytes (a Noise transport message, §3 of the Noise specification), under
    /// one <see cref="CipherState"/> per direction whose nonce counts the records. The length prefix is the associated
    /// data. Each direction rekeys (Noise §11.3) after <see cref="RekeyAfterRecords"/> records or
    /// <see cref="RekeyAfterBytes"/> plaintext bytes, whichever comes first; both sides count the same records, so they
    /// rekey at the same place without a message. A failed open leaves the receiving side failed for good: every later
    /// record fails too. Sending and receiving may run on two threads; each direction has one user at a time.
    /// </summary>
    internal sealed class RecordCipher
    {
        public const int LengthSize = 2;

        /// <summary>Largest plaintext of one record: 65,535 - 16 = 65,519 bytes.</summary>
        public const int MaxPlaintext = HandshakeState.MaxMessageSize - CipherState.TagSize;

        /// <summary>
        /// Largest plaintext this node puts in one record: 16 KiB (as TLS). A receiver accepts up to <see cref="MaxPlaintext"/>;
        /// smaller records keep each link's receive buffers small and let the reader start on a batch sooner.
        /// </summary>
        public const int PreferredPlaintext = 16 * 1024;

        /// <summary>Records a direction carries under one key before it rekeys: 2^16.</summary>
        public const long RekeyAfterRecords = 1L << 16;

        /// <summary>Plaintext bytes a direction carries under one key before it rekeys: 64 MiB.</summary>
        public const long RekeyAfterBytes = 64L * 1024 * 1024;

        private readonly Direction _send;
        private readonly Direction _receive;
        private readonly byte[] _sendAd = new byte[LengthSize];
        private readonly byte[] _receiveAd = new byte[LengthSize];

        /// <summary>The transport ciphers of a completed handshake, with the default rekey bounds.</summary>
        public RecordCipher(HandshakeState handshake)
            : this(handshake.SendCipher, handshake.ReceiveCipher, RekeyAfterRecords, RekeyAfterBytes)
        {
        }

        /// <summary>Other bounds, for tests; both sides of a link must use the same ones.</summary>
        internal RecordCipher(CipherState send, CipherState receive, long rekeyAfterRecords, long rekeyAfterBytes)
        {
            if (send == null || !send.HasKey) throw new ArgumentException("The send cipher needs a key.", nameof(send));
            if (receive == null || !receive.HasKey) throw new ArgumentException("The receive cipher needs a key.", nameof(receive));
            if (rekeyAfterRecords < 1 || rekeyAfterBytes < 1) throw new ArgumentOutOfRangeException(nameof(rekeyAfterRecords));
            _send = new Direction(send, rekeyAfterRecords, rekeyAfterBytes);
            _receive = new Direction(receive, rekeyAfterRecords, rekeyAfterBytes);
        }

        /// <summary>Records sealed so far.</summary>
        public ulong RecordsSent => _send.Cipher.Nonce;

        /// <summary>Records opened so far.</summary>
        public ulong RecordsReceived => _receive.Cipher.Nonce;

        /// <summary>Rekeys so far, sending and receiving.</summary>
        public int SendRekeys => _send.Rekeys;

        public int ReceiveRekeys => _receive.Rekeys;

        /// <summary>True after a record failed to open; the link must close.</summary>
        public bool ReceiveFailed => _receive.Failed;

        /// <summary>One record: length prefix and ciphertext of <paramref name="count"/> bytes (at most <see cref="MaxPlaintext"/>).</summary>
        public byte[] Seal(byte[] plaintext, int offset, int count)
        {
            CheckRange(plaintext, offset, count);
            byte[] record = new byte[RecordSize(count)];
            Seal(plaintext, offset, count, record, 0);
            return record;
        }

        /// <summary>Bytes of the record that carries <paramref name="plaintextBytes"/>.</summary>
        public static int RecordSize(int plaintextBytes) => LengthSize + plaintextBytes + CipherState.TagSize;

        /// <summary>Seals one record into <paramref name="output"/> (room for <see cref="RecordSize"/>); returns its size.</summary>
        public int Seal(byte[] plaintext, int offset, int count, byte[] output, int outputOffset)
        {
            CheckRange(plaintext, offset, count);
            if (count > MaxPlaintext) throw new ArgumentOutOfRangeException(nameof(count), "A record carries at most 65519 plaintext bytes.");
            if (output == null || outputOffset < 0 || output.Length - outputOffset < RecordSize(count)) throw new ArgumentException("The output has no room for the record.", nameof(output));
            if (_send.Failed) throw new NoiseException("The send direction failed; the link must close.");
            int length = count + CipherState.TagSize;
            _sendAd[0] = (byte)(length >> 8);
            _sendAd[1] = (byte)length;
            try
            {
                _send.Cipher.EncryptWithAd(_sendAd, plaintext, offset, count, output, outputOffset + LengthSize);
            }
            catch (NoiseException)
            {
                _send.Failed = true;
                throw;
            }
            output[outputOffset] = _sendAd[0];
            output[outputOffset + 1] = _sendAd[1];
            _send.Count(count);
            return LengthSize + length;
        }

        /// <summary>
        /// Opens the record at the front of <paramref name="count"/> received bytes. On <see cref="RecordStatus.Opened"/>
        /// <paramref name="consumed"/> bytes were used and <paramref name="plaintext"/> holds the frame bytes; on
        /// <see cref="RecordStatus.Failed"/> (now and for every later call) the caller closes the link.
        /// </summary>
        public RecordStatus TryOpen(byte[] buffer, int offset, int count, out byte[] plaintext, out int consumed)
        {
            plaintext = null;
            RecordStatus status = Peek(buffer, offset, count, out int plaintextBytes);
            consumed = 0;
            if (status != RecordStatus.Opened) return status;
            byte[] output = new byte[plaintextBytes];
            status = TryOpen(buffer, offset, count, output, 0, out _, out consumed);
            if (status == RecordStatus.Opened) plaintext = output;
            return status;
        }

        /// <summary>
        /// What the front of the received bytes holds: <see cref="RecordStatus.Opened"/> when a whole record is there
        /// (<paramref name="plaintextBytes"/> is then its plaintext size), Incomplete or Failed as for TryOpen. Opens nothing.
        /// </summary>
        public RecordStatus Peek(byte[] buffer, int offset, int count, out int plaintextBytes)
        {
            plaintextBytes = 0;
            CheckRange(buffer, offset, count);
            if (_receive.Failed) return RecordStatus.Failed;
            if (count < LengthSize) return RecordStatus.Incomplete;
            int length = (buffer[offset] << 8) | buffer[offset + 1];
            if (length < CipherState.TagSize)
            {
                _receive.Failed = true;
                return RecordStatus.Failed;
            }
            if (count - LengthSize < length) return RecordStatus.Incomplete;
            plaintextBytes = length - CipherState.TagSize;
            return RecordStatus.Opened;
        }

        /// <summary>
        /// Opens the record at the front of the received bytes into <paramref name="output"/> (room for the plaintext,
        /// see <see cref="Peek"/>). Nothing in <paramref name="output"/> may be used unless this returns Opened.
        /// </summary>
        public RecordStatus TryOpen(byte[] buffer, int offset, int count, byte[] output, int outputOffset, out int plaintextBytes, out int consumed)
        {
            consumed = 0;
            RecordStatus status = Peek(buffer, offset, count, out plaintextBytes);
            if (status != RecordStatus.Opened) return status;
            if (output == null || outputOffset < 0 || output.Length - outputOffset < plaintextBytes) throw new ArgumentException("The output has no room for the plaintext.", nameof(output));
            int length = plaintextBytes + CipherState.TagSize;
            _receiveAd[0] = buffer[offset];
            _receiveAd[1] = buffer[offset + 1];
            try
            {
                _receive.Cipher.DecryptWithAd(_receiveAd, buffer, offset + LengthSize, length, output, outputOffset);
            }
            catch (NoiseException)
            {
                _receive.Failed = true;
                _receive.Cipher.Clear();
                plaintextBytes = 0;
                return RecordStatus.Failed;
            }
            consumed = LengthSize + length;
            _receive.Count(plaintextBytes);
            return RecordStatus.Opened;
        }

        private static void CheckRange(byte[] buffer, int offset, int count)
        {
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            if (offset < 0 || count < 0 || offset > buffer.Length - count) throw new ArgumentOutOfRangeException(nameof(count));
        }

        /// <summary>Forgets both keys (when the link closes).</summary>
        public void Clear()
        {
            _send.Failed = true;
            _receive.Failed = true;
            _send.Cipher.Clear();
            _receive.Cipher.Clear();
        }

        /// <summary>One direction's cipher and what it carried since its last rekey.</summary>
        private sealed class Direction
        {
            private readonly long _maxRecords;
            private readonly long _maxBytes;
            private long _records;
            private long _bytes;

            public Direction(CipherState cipher, long maxRecords, long maxBytes)
            {
                Cipher = cipher;
                _maxRecords = maxRecords;
                _maxBytes = maxBytes;
            }

            public CipherState Cipher { get; }

            public bool Failed { get; set; }

            public int Rekeys { get; private set; }

            /// <summary>Counts one record; rekeys after the record that reaches a bound (both sides do it at the same record).</summary>
            public void Count(int plaintextBytes)
            {
                _records++;
                _bytes += plaintextBytes;
                if (_records < _maxRecords && _bytes < _maxBytes) return;
                Cipher.Rekey();
                Rekeys++;
                _records = 0;
                _bytes = 0;
            }
        }
    }
}
