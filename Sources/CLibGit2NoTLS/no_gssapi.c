/* The installed binary links libgit2 statically (Makefile, RELEASE_FLAGS): a hook call
   then maps no shared library of libgit2's and binds none of their symbols at start,
   which Debian's libraries do eagerly (BIND_NOW). Debian ships no static Kerberos, which
   libgit2 uses only for HTTP "Negotiate" authentication; SessionTrace never lets
   libgit2 open a network connection (sync runs git itself). So that build defines
   the GSS-API functions libgit2 calls, and each fails: a Negotiate attempt would be
   refused (fails closed). Other builds link the real library and define nothing. */

#ifdef SESSIONTRACE_STATIC_LIBGIT2

#define GSS_S_FAILURE (13u << 16)

void *GSS_C_NT_HOSTBASED_SERVICE = 0;

static unsigned int refused(unsigned int *minor) {
    if (minor) *minor = 0;
    return GSS_S_FAILURE;
}

unsigned int gss_init_sec_context(unsigned int *minor, void *credential, void **context, void *target,
                                  void *mechanism, unsigned int flags, unsigned int lifetime, void *bindings,
                                  void *input, void **actual_mechanism, void *output, unsigned int *returned_flags,
                                  unsigned int *remaining) {
    (void)credential; (void)context; (void)target; (void)mechanism; (void)flags; (void)lifetime;
    (void)bindings; (void)input; (void)actual_mechanism; (void)output; (void)returned_flags; (void)remaining;
    return refused(minor);
}

unsigned int gss_import_name(unsigned int *minor, void *name, void *type, void **output) {
    (void)name; (void)type;
    if (output) *output = 0;
    return refused(minor);
}

unsigned int gss_indicate_mechs(unsigned int *minor, void **mechanisms) {
    if (mechanisms) *mechanisms = 0;
    return refused(minor);
}

unsigned int gss_display_status(unsigned int *minor, unsigned int status, int type, void *mechanism,
                                unsigned int *context, void *text) {
    (void)status; (void)type; (void)mechanism; (void)text;
    if (context) *context = 0;
    return refused(minor);
}

unsigned int gss_delete_sec_context(unsigned int *minor, void **context, void *output) {
    (void)context; (void)output;
    if (minor) *minor = 0;
    return 0;
}

unsigned int gss_release_buffer(unsigned int *minor, void *buffer) {
    (void)buffer;
    if (minor) *minor = 0;
    return 0;
}

unsigned int gss_release_name(unsigned int *minor, void **name) {
    (void)name;
    if (minor) *minor = 0;
    return 0;
}

unsigned int gss_release_oid_set(unsigned int *minor, void **set) {
    (void)set;
    if (minor) *minor = 0;
    return 0;
}

#endif
