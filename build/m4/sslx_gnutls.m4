# sslx_gnutls.m4 - find GnuTLS through pkg-config.
#
# SSLX_CHECK_GNUTLS(MIN-VERSION)
#   Substitutes GNUTLS_CFLAGS and GNUTLS_LIBS, and fails, naming the Debian
#   package, when GnuTLS or pkg-config is missing or too old.  The calls the
#   design rests on (client-hello hook, raw extension parsing, TLS 1.3
#   post-handshake auth) are link-checked so an odd build fails here, not in
#   the middle of make.

AC_DEFUN([SSLX_CHECK_GNUTLS], [
PKG_PROG_PKG_CONFIG
AS_IF([test -z "$PKG_CONFIG"],
    [AC_MSG_ERROR([pkg-config not found: install it (Debian: apt-get install pkg-config)])])

PKG_CHECK_MODULES([GNUTLS], [gnutls >= $1], [],
    [AC_MSG_ERROR([GnuTLS >= $1 not found through pkg-config ($GNUTLS_PKG_ERRORS): install the GnuTLS development files (Debian: apt-get install libgnutls28-dev)])])

sslx_save_CPPFLAGS=$CPPFLAGS
sslx_save_LIBS=$LIBS
CPPFLAGS="$CPPFLAGS $GNUTLS_CFLAGS"
LIBS="$GNUTLS_LIBS $LIBS"
AC_MSG_CHECKING([whether GnuTLS links and has the calls mod_sslx needs])
AC_LINK_IFELSE([AC_LANG_PROGRAM([[
#include <gnutls/gnutls.h>
]], [[
gnutls_session_t s = 0;
(void)gnutls_handshake_set_hook_function;
(void)gnutls_ext_raw_parse;
(void)gnutls_reauth;
(void)gnutls_certificate_set_x509_key_file2;
return gnutls_init(&s, GNUTLS_SERVER | GNUTLS_POST_HANDSHAKE_AUTH);
]])],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([cannot compile and link against GnuTLS with "$GNUTLS_CFLAGS $GNUTLS_LIBS": install libgnutls28-dev (Debian), see config.log])])
CPPFLAGS=$sslx_save_CPPFLAGS
LIBS=$sslx_save_LIBS
])
