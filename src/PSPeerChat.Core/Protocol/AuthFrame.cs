using System;
using System.Security.Cryptography;
using System.Text;
using PSPeerChat.Identity;

namespace PSPeerChat.Protocol
{
    /// <summary>
    /// AUTH (protocol.md §3.7): type(1) signature(64). Each side signs the transcript of the link, both HELLO bodies
    /// (each with a fresh 32-byte nonce) and its role, proving it holds the key behind the id it claims.
    /// </summary>
    internal static class AuthFrame
    {
        private const int Body = 1 + NodeIdentity.SignatureSize;
        private static readonly byte[] Context = Encoding.ASCII.GetBytes("PSPeerChat link auth v3\0");

        public const byte DiallerRole = (byte)'D';
        public const byte AcceptorRole = (byte)'A';

        public static byte[] Encode(NodeIdentity identity, byte role, byte[] diallerHello, byte[] acceptorHello)
        {
            byte[] transcript = Transcript(role, diallerHello, acceptorHello);
            byte[] frame = new byte[ProtocolLimits.LengthPrefix + Body];
            BigEndian.WriteUInt32(frame, 0, Body);
            frame[4] = (byte)FrameType.Auth;
            identity.Sign(transcript, 0, transcript.Length, frame, 5);
            return frame;
        }

        public static bool Verify(SignatureVerifier verifier, Id128 signerId, byte[] signerKey, byte role, byte[] diallerHello, byte[] acceptorHello, byte[] buffer, int bodyOffset, int bodyLength)
        {
            if (bodyLength < Body) return false;
            byte[] transcript = Transcript(role, diallerHello, acceptorHello);
            return verifier.Verify(signerId, signerKey, 0, transcript, 0, transcript.Length, buffer, bodyOffset + 1);
        }

        private static byte[] Transcript(byte role, byte[] diallerHello, byte[] acceptorHello)
        {
            using (SHA256 sha = SHA256.Create())
            {
                sha.TransformBlock(Context, 0, Context.Length, null, 0);
                sha.TransformBlock(new[] { role }, 0, 1, null, 0);
                // Each body with its length first: bytes cannot be moved from one HELLO to the other (a spliced transcript).
                byte[] length = new byte[4];
                BigEndian.WriteUInt32(length, 0, (uint)diallerHello.Length);
                sha.TransformBlock(length, 0, 4, null, 0);
                sha.TransformBlock(diallerHello, 0, diallerHello.Length, null, 0);
                BigEndian.WriteUInt32(length, 0, (uint)acceptorHello.Length);
                sha.TransformBlock(length, 0, 4, null, 0);
                sha.TransformFinalBlock(acceptorHello, 0, acceptorHello.Length);
                byte[] digest = sha.Hash;
                byte[] transcript = new byte[Context.Length + digest.Length];
                Buffer.BlockCopy(Context, 0, transcript, 0, Context.Length);
                Buffer.BlockCopy(digest, 0, transcript, Context.Length, digest.Length);
                return transcript;
            }
        }
    }
}
