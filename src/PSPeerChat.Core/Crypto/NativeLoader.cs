using System;
using System.Reflection;
using System.Runtime.InteropServices;

namespace PSPeerChat.Crypto
{
    /// <summary>
    /// Loads a native library by its full path and finds its functions, on netstandard2.0: .NET Core 3+ (PowerShell 7)
    /// has System.Runtime.InteropServices.NativeLibrary, reached by reflection once per load because netstandard2.0 does
    /// not expose it; .NET Framework (Windows PowerShell 5.1) has kernel32's LoadLibraryEx and GetProcAddress.
    /// A full path never searches: no other copy of the library in the process or on PATH is picked up by name.
    /// </summary>
    internal static class NativeLoader
    {
        private const uint LoadWithAlteredSearchPath = 0x00000008;

        private static readonly Type NativeLibrary = typeof(Marshal).Assembly.GetType("System.Runtime.InteropServices.NativeLibrary", false);

        /// <summary>The library's handle; throws <see cref="DllNotFoundException"/> with the loader's reason.</summary>
        public static IntPtr Load(string path)
        {
            if (NativeLibrary != null)
            {
                MethodInfo load = NativeLibrary.GetMethod("Load", new[] { typeof(string) });
                return (IntPtr)Invoke(load, path);
            }
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) throw new PlatformNotSupportedException("no native library loader on this runtime (" + RuntimeInformation.FrameworkDescription + ")");
            IntPtr handle = LoadLibraryExW(path, IntPtr.Zero, LoadWithAlteredSearchPath);
            if (handle == IntPtr.Zero) throw new DllNotFoundException("LoadLibraryEx failed with Windows error " + Marshal.GetLastWin32Error());
            return handle;
        }

        /// <summary>The address of an exported function; throws <see cref="EntryPointNotFoundException"/> when it is missing.</summary>
        public static IntPtr Export(IntPtr handle, string name)
        {
            if (NativeLibrary != null)
            {
                MethodInfo export = NativeLibrary.GetMethod("GetExport", new[] { typeof(IntPtr), typeof(string) });
                return (IntPtr)Invoke(export, handle, name);
            }
            IntPtr address = GetProcAddress(handle, name);
            if (address == IntPtr.Zero) throw new EntryPointNotFoundException("no export " + name);
            return address;
        }

        /// <summary>A delegate over an exported function.</summary>
        public static T Function<T>(IntPtr handle, string name) where T : class
        {
            return Marshal.GetDelegateForFunctionPointer(Export(handle, name), typeof(T)) as T;
        }

        private static object Invoke(MethodInfo method, params object[] args)
        {
            try
            {
                return method.Invoke(null, args);
            }
            catch (TargetInvocationException e) when (e.InnerException != null)
            {
                throw e.InnerException;
            }
        }

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibraryExW(string fileName, IntPtr file, uint flags);

        [DllImport("kernel32", CharSet = CharSet.Ansi, SetLastError = true, BestFitMapping = false)]
        private static extern IntPtr GetProcAddress(IntPtr module, string name);
    }
}
