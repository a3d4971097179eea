# ruff: noqa: E501 - help-centre prose and Markdown tables read better unwrapped
"""IVCISA's Spanish articles for after a ticket is open, and the account articles: each the
Spanish version of an English one (``translation_of``)."""

FOLLOW_UP_ARTICLES_ES = [
    {
        "slug": "restablecer-contrasena",
        "translation_of": "reset-your-password",
        "title": "Cómo restablecer su contraseña",
        "summary": "Use “¿Olvidó su contraseña?” en la página de inicio de sesión y siga el enlace que recibirá por correo.",
        "category": "account",
        "tags": ["contraseña", "inicio de sesión", "cuenta"],
        "visibility": "public",
        "views": 474,
        "related": ["verificacion-en-dos-pasos"],
        "body": """
Si olvidó su contraseña o no puede iniciar sesión, puede crear una nueva usted mismo:

1. En la página de inicio de sesión, haga clic en **¿Olvidó su contraseña?**
2. Escriba el correo electrónico de su cuenta corporativa y envíe la solicitud.
3. Abra el correo que le enviaremos y siga el enlace para elegir una contraseña nueva.

**¿No le llega el correo?** Revise las carpetas de *correo no deseado* o *spam*; suele
llegar en pocos minutos. Para su protección, la página responde igual exista o no una
cuenta con esa dirección.

**Nota de seguridad:** el enlace sirve una sola vez y vence poco después de enviado.
Cambie la contraseña en cuanto lo reciba; si ya venció, solicite uno nuevo.

Para cambiar una contraseña que todavía conoce, abra su perfil y elija **Cambiar
contraseña**. Al hacerlo se cierran sus otras sesiones.
""",
    },
    {
        "slug": "seguimiento-de-su-ticket",
        "translation_of": "follow-your-ticket",
        "title": "Cómo hacer seguimiento a su ticket con su número",
        "summary": "Cada ticket recibe un número como IVC-1042: úselo para consultar el estado, responder y agregar evidencia.",
        "category": "tickets",
        "tags": ["tickets", "estado"],
        "visibility": "customers",
        "views": 214,
        "related": ["como-solicitar-soporte-tecnico", "como-funciona-el-escalamiento"],
        "body": """
En cuanto envía una solicitud, el sistema le asigna un número único, por ejemplo
`IVC-1042`. Aparece en la página del ticket y en cada correo que le enviamos sobre él.

Con el número puede:

- **Ver el estado actual**: nuevo, en curso, en pausa (esperando su respuesta), resuelto o
  cerrado. Un ticket resuelto se puede reabrir desde su página durante 14 días.
- **Conversar con el ingeniero asignado** directamente en la página del ticket; las
  respuestas también le llegan por correo.
- **Agregar evidencia**, como capturas de pantalla o registros nuevos, si la situación
  cambia.

Abra **Mis tickets** en la navegación para ver todos los suyos; los administradores de la
organización también ven los de sus colegas. Mencione el número siempre que se comunique
con nosotros por otro canal, para que encontremos el caso de inmediato.
""",
    },
    {
        "slug": "horario-habil-y-cobertura-p1",
        "translation_of": "business-hours-and-p1-coverage",
        "title": "Horario hábil y cobertura 24/7/365 para incidentes P1",
        "summary": "Las solicitudes generales se atienden de lunes a viernes; los incidentes críticos P1 tienen cobertura permanente.",
        "category": "plans",
        "tags": ["horario hábil", "P1", "turno"],
        "visibility": "public",
        "views": 251,
        "related": ["como-se-define-la-prioridad", "tiempos-de-respuesta-y-planes"],
        "body": """
**Las consultas generales y las solicitudes de cambio** se atienden en nuestro horario
estándar, de lunes a viernes (hora de Bogotá, sin contar los festivos de Colombia). Los
objetivos de tiempo de respuesta cuentan solo ese horario hábil.

**Los incidentes críticos P1 tienen cobertura 24/7/365.** Un equipo de ingenieros de turno
está disponible todos los días del año, a cualquier hora, para atender una emergencia.
Abra el ticket con prioridad P1 y el ingeniero de turno recibe la alerta de inmediato.

Como P1 despierta a las personas, se reserva para una interrupción total de servicios
críticos del negocio; consulte [Cómo se define la prioridad de un ticket](/kb/articles/como-se-define-la-prioridad/).
""",
    },
    {
        "slug": "estado-de-los-servicios",
        "translation_of": "service-status",
        "title": "Cómo consultar el estado de los servicios de IVCISA",
        "summary": "La página de estado muestra los incidentes en curso y el mantenimiento programado antes de que abra un ticket.",
        "category": "getting-started",
        "tags": ["página de estado", "mantenimiento"],
        "visibility": "public",
        "views": 109,
        "related": ["como-solicitar-soporte-tecnico"],
        "body": """
Antes de reportar una caída, revise la página de estado: si ya conocemos un incidente,
allí verá qué está afectado, qué estamos haciendo y cuándo llega la próxima
actualización.

- **Los incidentes en curso** aparecen arriba con su última actualización.
- **El mantenimiento programado** se anuncia con al menos cinco días hábiles de
  anticipación.
- **Suscríbase** para recibir un correo cuando un incidente se abra, cambie o se cierre.

Si su problema no aparece, o lo afecta de otra forma que la descrita en la página, abra un
ticket y mencione lo que vio en la página de estado.
""",
    },
    {
        "slug": "informacion-de-facturacion",
        "translation_of": "billing-information",
        "title": "Dónde encontrar la información de facturación",
        "summary": "Las facturas, los cambios de plan y los contactos de facturación los maneja su gerente de cuenta, no los tickets.",
        "category": "plans",
        "tags": ["facturación", "facturas"],
        "visibility": "customers",
        "views": 77,
        "related": ["tiempos-de-respuesta-y-planes"],
        "body": """
Las preguntas de facturación van a su **gerente de cuenta de IVCISA** y no al equipo de
soporte técnico, para que lleguen a alguien que pueda resolverlas de inmediato.

- **Las facturas** se envían cada mes por correo al contacto de facturación de su
  organización.
- **El cambio de plan** (por ejemplo, de Business a Enterprise) se acuerda con su gerente
  de cuenta; los objetivos del plan nuevo aplican a los tickets abiertos después del
  cambio.
- **Para actualizar el contacto de facturación** o los datos de la orden de compra,
  escriba a su gerente de cuenta desde la dirección de un administrador de la
  organización.

Si no sabe quién es su gerente de cuenta, abra un ticket de tipo **Solicitud** y lo
pondremos en contacto.
""",
    },
    {
        "slug": "como-funciona-el-escalamiento",
        "translation_of": "escalation-matrix",
        "title": "Cómo funciona el escalamiento",
        "summary": "Si un ticket no se resuelve dentro de su objetivo, o necesita más experiencia, sube de nivel automáticamente.",
        "category": "tickets",
        "tags": ["escalamiento", "ANS"],
        "visibility": "customers",
        "views": 118,
        "related": ["tiempos-de-respuesta-y-planes", "seguimiento-de-su-ticket"],
        "body": """
Nuestra matriz de escalamiento es una guía operativa que fija los tiempos máximos de
respuesta y el recorrido de un ticket por el equipo de soporte.

- Un ticket empieza con un **ingeniero de nivel 1**, que lo diagnostica y resuelve la
  mayoría de las solicitudes.
- Si necesita más experiencia, pasa a especialistas de **nivel 2** o **nivel 3**.
- Si **no se resuelve en el tiempo fijado para su prioridad**, la matriz indica qué
  ingenieros o gerentes lo asumen, y ellos reciben un aviso automático.

Usted no necesita hacer nada para que esto ocurra. Si cree que un ticket necesita atención
antes, respóndalo y explique el impacto en el negocio; el ingeniero puede subir su
prioridad.
""",
    },
    {
        "slug": "revision-de-arquitectura",
        "translation_of": "architecture-review",
        "title": "Cómo solicitar una revisión de arquitectura",
        "summary": "Los clientes Business y Enterprise pueden pedir a nuestros arquitectos que revisen un diseño antes de salir a producción.",
        "category": "request-types",
        "tags": ["consultoría", "arquitectura"],
        "visibility": "customers",
        "plans": ["Business", "Enterprise"],
        "views": 58,
        "related": ["tipos-de-solicitud"],
        "body": """
En los planes Business y Enterprise, nuestros arquitectos de nube revisan un diseño con
usted antes de que llegue a producción.

**Cómo pedirla:** abra un ticket de tipo **Consultoría** con prioridad **P4** e incluya

- un diagrama de la arquitectura propuesta (o un enlace a él),
- las cargas de trabajo y el tráfico esperado,
- su fecha límite y los requisitos de cumplimiento que apliquen.

Respondemos en dos días hábiles para programar una sesión de trabajo y después enviamos un
resumen escrito de las recomendaciones. Los clientes Enterprise pueden reservar una
revisión por trimestre como parte de su plan; en Business, las revisiones se programan
según la disponibilidad.
""",
    },
    {
        "slug": "enterprise-gerente-tecnico-de-cuenta",
        "translation_of": "enterprise-technical-account-manager",
        "title": "Enterprise: su gerente técnico de cuenta",
        "summary": "Un ingeniero designado que conoce su plataforma, participa en los incidentes P1 y dirige las revisiones trimestrales del servicio.",
        "category": "plans",
        "tags": ["enterprise", "gerente de cuenta"],
        "visibility": "customers",
        "plans": ["Enterprise"],
        "views": 36,
        "related": ["revision-de-arquitectura", "tiempos-de-respuesta-y-planes"],
        "body": """
Las organizaciones Enterprise tienen un **gerente técnico de cuenta (TAM)**: un ingeniero
sénior que conoce su plataforma y lo acompaña en el tiempo.

Su TAM

- participa en cada **incidente P1** de su organización y mantiene informada a su
  gerencia,
- dirige una **revisión trimestral del servicio** con sus tickets, los objetivos cumplidos
  y los problemas recurrentes,
- ayuda a planear **cambios y migraciones** para que no se conviertan en incidentes.

El nombre y los datos de contacto de su TAM están en su paquete de bienvenida; el
administrador de su organización también nos los puede pedir en un ticket.
""",
    },
    {
        "slug": "lista-de-triaje-n1",
        "translation_of": "l1-triage-checklist",
        "title": "Lista de verificación de triaje de nivel 1",
        "summary": "Interno: qué revisar en los primeros quince minutos de un ticket nuevo.",
        "category": "engineering",
        "tags": ["interno", "triaje"],
        "visibility": "staff",
        "views": 61,
        "related": ["como-se-define-la-prioridad"],
        "body": """
Para los ingenieros del equipo de soporte de IVCISA. Los clientes no pueden ver este
artículo.

1. **Confirme la prioridad** con la matriz P1–P4. Bájela con amabilidad y explique por
   qué; súbala de inmediato si el impacto es peor que el descrito.
2. **Revise el tipo** y reclasifíquelo para que lo atienda la cola correcta.
3. **Busque un incidente conocido** en la página de estado y tickets duplicados de la
   misma organización.
4. **Pida lo que falte** en una sola respuesta: recurso, evidencia, registros, pasos.
5. **Enlace un artículo de la base de conocimiento** cuando responda la pregunta; use el
   buscador de artículos junto al cuadro de respuesta.
6. **Solo P1:** confirme la recepción dentro del objetivo, abra el canal del incidente y
   llame al nivel 2 de turno si no está resuelto en 30 minutos.
""",
    },
]
