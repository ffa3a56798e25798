# sslx_apxs.m4 - find apxs and take httpd's and APR's compiler flags from it.
#
# SSLX_CHECK_APXS
#   --with-apxs=PATH names apxs; otherwise apxs2/apxs are searched in PATH and
#   /usr/bin.  Substitutes:
#     APXS                 the apxs program (make install and the tests use it)
#     APXS_LIBEXECDIR      httpd's module directory (make install's target)
#     SSLX_HTTPD_CPPFLAGS  httpd, APR and APR-util include and define flags
#     SSLX_HTTPD_CFLAGS    the CFLAGS httpd itself was built with
#   and fails, naming the Debian package, when apxs, apr-1-config or usable
#   httpd 2.4 headers are missing.

AC_DEFUN([SSLX_CHECK_APXS], [
AC_ARG_WITH([apxs],
    [AS_HELP_STRING([--with-apxs=PATH],
        [httpd's apxs program (default: apxs2 or apxs from PATH)])],
    [], [with_apxs=check])

AS_CASE([$with_apxs],
    [no], [AC_MSG_ERROR([mod_sslx is an httpd module and cannot be built without apxs])],
    [yes|check], [AC_PATH_PROGS([APXS], [apxs2 apxs], [], [$PATH$PATH_SEPARATOR/usr/bin])],
    [APXS=$with_apxs])

AS_IF([test -z "$APXS"],
    [AC_MSG_ERROR([apxs not found: install the httpd development files (Debian: apt-get install apache2-dev) or pass --with-apxs=PATH])])
AS_IF([test ! -x "$APXS" || test -d "$APXS"],
    [AC_MSG_ERROR([--with-apxs=$APXS is not an executable program])])
dnl make runs in other directories: keep the path absolute.
AS_CASE([$APXS], [/*], [], [APXS="`cd "\`dirname "$APXS"\`" && pwd`/`basename "$APXS"`"])

AC_MSG_CHECKING([whether $APXS works])
APXS_INCLUDEDIR=`"$APXS" -q INCLUDEDIR 2>/dev/null`
AS_IF([test -n "$APXS_INCLUDEDIR" && test -d "$APXS_INCLUDEDIR"],
    [AC_MSG_RESULT([yes, headers in $APXS_INCLUDEDIR])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([$APXS -q INCLUDEDIR gave no header directory: install apache2-dev (Debian) or fix --with-apxs])])

APXS_LIBEXECDIR=`"$APXS" -q LIBEXECDIR`
dnl apxs compiles modules with these; CPPFLAGS carries the distribution's
dnl hardening defines (-D_FORTIFY_SOURCE=2 on Debian).
sslx_apxs_cflags=`"$APXS" -q CFLAGS`
sslx_apxs_cppflags="`"$APXS" -q CPPFLAGS` `"$APXS" -q NOTEST_CPPFLAGS` `"$APXS" -q EXTRA_CPPFLAGS`"
sslx_apxs_cflags="$sslx_apxs_cflags `"$APXS" -q EXTRA_CFLAGS`"

dnl APR and APR-util: the configs httpd was built against, else from PATH.
APR_CONFIG=`"$APXS" -q APR_CONFIG 2>/dev/null`
AS_IF([test -z "$APR_CONFIG" || test ! -x "$APR_CONFIG"],
    [AC_PATH_PROGS([APR_CONFIG], [apr-1-config], [], [$PATH$PATH_SEPARATOR/usr/bin])])
AS_IF([test -z "$APR_CONFIG"],
    [AC_MSG_ERROR([apr-1-config not found: install libapr1-dev (Debian: it comes with apache2-dev)])])
APU_CONFIG=`"$APXS" -q APU_CONFIG 2>/dev/null`
AS_IF([test -z "$APU_CONFIG" || test ! -x "$APU_CONFIG"],
    [AC_PATH_PROGS([APU_CONFIG], [apu-1-config], [], [$PATH$PATH_SEPARATOR/usr/bin])])
AS_IF([test -z "$APU_CONFIG"],
    [AC_MSG_ERROR([apu-1-config not found: install libaprutil1-dev (Debian: it comes with apache2-dev)])])
AC_MSG_CHECKING([APR include flags])
sslx_apr_cppflags="`"$APR_CONFIG" --includes --cppflags` `"$APU_CONFIG" --includes`"
AC_MSG_RESULT([$sslx_apr_cppflags])

dnl apr-1-config and apxs repeat some flags: keep each one once, in order.
SSLX_HTTPD_CPPFLAGS=
for sslx_flag in -I$APXS_INCLUDEDIR $sslx_apr_cppflags $sslx_apxs_cppflags; do
    AS_CASE([" $SSLX_HTTPD_CPPFLAGS "], [*" $sslx_flag "*], [],
        [SSLX_HTTPD_CPPFLAGS="$SSLX_HTTPD_CPPFLAGS${SSLX_HTTPD_CPPFLAGS:+ }$sslx_flag"])
done
SSLX_HTTPD_CFLAGS=`echo "$sslx_apxs_cflags" | tr -s ' '`

dnl The headers must compile, and be httpd 2.4 or later.
sslx_save_CPPFLAGS=$CPPFLAGS
CPPFLAGS="$CPPFLAGS $SSLX_HTTPD_CPPFLAGS"
AC_MSG_CHECKING([for httpd 2.4 or later headers])
AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[
#include <httpd.h>
#include <http_config.h>
#include <ap_mmn.h>
#if AP_SERVER_MAJORVERSION_NUMBER != 2 || AP_SERVER_MINORVERSION_NUMBER < 4
#error httpd 2.4 or later required
#endif
]], [[return 0;]])],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([httpd 2.4 headers do not compile with $SSLX_HTTPD_CPPFLAGS: install apache2-dev (Debian), see config.log])])
CPPFLAGS=$sslx_save_CPPFLAGS

AC_SUBST([APXS])
AC_SUBST([APXS_LIBEXECDIR])
AC_SUBST([SSLX_HTTPD_CPPFLAGS])
AC_SUBST([SSLX_HTTPD_CFLAGS])
])
